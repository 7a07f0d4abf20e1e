"""SES1xx: each event destination must be one SES accepts."""
