resource "aws_sesv2_configuration_set_event_destination" "on" {
  configuration_set_name = "good"
  event_destination_name = "on"
  event_destination {
    enabled              = true
    matching_event_types = ["BOUNCE"]
    sns_destination {
      topic_arn = "arn:aws:sns:us-east-1:123456789012:a"
    }
  }
}

resource "aws_ses_event_destination" "variable" {
  name                   = "variable"
  configuration_set_name = "good"
  enabled                = var.enabled
  matching_types         = ["bounce"]
  sns_destination {
    topic_arn = "arn:aws:sns:us-east-1:123456789012:b"
  }
}
