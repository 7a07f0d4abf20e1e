resource "aws_sesv2_configuration_set" "required" {
  configuration_set_name = "required"
  delivery_options {
    tls_policy = "REQUIRE"
  }
}

resource "aws_ses_configuration_set" "legacy" {
  name = "legacy"
  delivery_options {
    tls_policy = "Require"
  }
}

resource "aws_sesv2_configuration_set" "variable" {
  configuration_set_name = "variable"
  delivery_options {
    tls_policy = var.tls_policy
  }
}
