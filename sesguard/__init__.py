"""sesguard: policy-as-code linter and drift checker for Amazon SES v2 configuration sets."""

__version__ = "0.1.0"
