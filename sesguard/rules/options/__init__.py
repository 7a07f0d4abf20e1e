"""SES3xx: configuration set options that protect mail and reputation."""
