resource "aws_sesv2_configuration_set_event_destination" "good" {
  configuration_set_name = "good"
  event_destination_name = "good"
  event_destination {
    enabled              = true
    matching_event_types = ["SEND", "REJECT", "RENDERING_FAILURE", "DELIVERY_DELAY", "SUBSCRIPTION"]
    sns_destination {
      topic_arn = "arn:aws:sns:us-east-1:123456789012:a"
    }
  }
}

resource "aws_ses_event_destination" "legacy" {
  name                   = "legacy"
  configuration_set_name = "good"
  enabled                = true
  matching_types         = ["send", "renderingFailure"]
  sns_destination {
    topic_arn = "arn:aws:sns:us-east-1:123456789012:b"
  }
}
