resource "aws_sesv2_configuration_set" "explicit" {
  configuration_set_name = "explicit-optional"
  delivery_options {
    tls_policy = "OPTIONAL" # expect: SES301
  }
}

resource "aws_sesv2_configuration_set" "absent" { # expect: SES301
  configuration_set_name = "absent"
}

resource "aws_ses_configuration_set" "legacy" {
  name = "legacy"
  delivery_options {
    tls_policy = "Optional" # expect: SES301
  }
}
