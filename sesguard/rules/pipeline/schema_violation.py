from sesguard.linter.rule import Rule


class SchemaViolation(Rule):
    """A native spec or config file does not match its JSON Schema.

    What it checks: native specs against `sesguard/schemas/spec.schema.json` (the SESv2 API's field
    names, types and enums) and configuration against `sesguard/schemas/config.schema.json`. In
    CloudFormation, the types of the SES resources' properties
    (`sesguard/schemas/cloudformation-*.schema.json`); in Terraform, the types of the fields
    sesguard reads. Each problem is reported at its own line.

    Why: a misspelt field (`TlsPolicies`) or a value of the wrong type would otherwise be ignored,
    and the rules would judge a configuration that is not the one you meant. A set with a schema
    violation is not checked further; the other sets in the file are. In CloudFormation and
    Terraform the wrong value is unknown to the rules (a wrong target block hides its destination's
    targets from the routing rules).

    Example: `Enabled: "yes please"` (a string, not a boolean), `TlsPolicy: STRICT`, an unknown
    key in `[tool.sesguard]`, `SnsDestination: arn:aws:sns:...` in a template.

    Fix: use the field names and values of the SESv2 API (`aws sesv2 get-configuration-set`
    output can be pasted in), of the documented configuration keys, or of the CloudFormation and
    Terraform resources.
    """

    id = "SG002"
    name = "schema-violation"
    level = "error"
    tags = ("input",)
