from sesguard.linter.rule import Rule


class ParseError(Rule):
    """A file that looks like SES configuration cannot be read, decoded or parsed.

    What it checks: every file that contains an SES marker (`ConfigurationSets`, `AWS::SES::`,
    `aws_sesv2_`, `aws_ses_`) must be readable, valid UTF-8 (or UTF-16 with a BOM), valid
    YAML/JSON without duplicate keys, without alias bombs and without absurd nesting.

    Why: a file sesguard cannot read is a file nobody checked. Passing it silently would let any
    misconfiguration through, so the run exits 2 and every other file is still reported.

    Example: `Enabled: true` indented under the wrong key, a mapping that repeats `Name`, a
    template saved as Latin-1.

    Fix: correct the file at the line and column shown. This finding cannot be suppressed.
    """

    id = "SG001"
    name = "parse-error"
    level = "error"
    tags = ("input",)
