resource "aws_ses_configuration_set" "legacy" {
  name = "legacy"
}

resource "aws_ses_event_destination" "alerts" {
  name                   = "alerts"
  configuration_set_name = aws_ses_configuration_set.legacy.name
  enabled                = true
  matching_types         = ["bounce", "complaint"]
  sns_destination {
    topic_arn = "arn:aws:sns:us-east-1:123456789012:alerts"
  }
}

resource "aws_sesv2_configuration_set" "unknown_events" {
  configuration_set_name = "unknown-events"
}

resource "aws_sesv2_configuration_set_event_destination" "alerts" {
  configuration_set_name = aws_sesv2_configuration_set.unknown_events.configuration_set_name
  event_destination_name = "alerts"
  event_destination {
    enabled              = true
    matching_event_types = var.alert_events
    sns_destination {
      topic_arn = "arn:aws:sns:us-east-1:123456789012:alerts"
    }
  }
}
