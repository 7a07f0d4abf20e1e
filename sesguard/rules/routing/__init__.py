"""SES2xx: events must reach the places they are needed."""
