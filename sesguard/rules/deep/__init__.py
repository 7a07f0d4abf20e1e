"""Deep live rules (SES4xx, `--deep`): they read the state of each target, never the target's ARN alone."""
