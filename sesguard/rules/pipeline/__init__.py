"""Findings the pipeline reports itself: unreadable inputs, schema violations, incomplete scans."""
