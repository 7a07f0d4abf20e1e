resource "aws_sesv2_configuration_set" "bad" {
  configuration_set_name = "bad"
}

resource "aws_sesv2_configuration_set_event_destination" "empty" {
  configuration_set_name = aws_sesv2_configuration_set.bad.configuration_set_name
  event_destination_name = "empty"
  event_destination {
    enabled              = true
    matching_event_types = [] # expect: SES101
    sns_destination {
      topic_arn = "arn:aws:sns:us-east-1:123456789012:a"
    }
  }
}

resource "aws_ses_event_destination" "legacy" {
  name                   = "legacy"
  configuration_set_name = "bad"
  enabled                = true
  matching_types = [
    "renderingFailure",
    "RENDERING_FAILURE", # expect: SES101
    "opened",            # expect: SES101
  ]
  sns_destination {
    topic_arn = "arn:aws:sns:us-east-1:123456789012:b"
  }
}
