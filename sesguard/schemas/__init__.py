"""JSON Schemas shipped as package data."""
