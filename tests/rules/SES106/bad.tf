resource "aws_sesv2_configuration_set_event_destination" "fifo" {
  configuration_set_name = "bad"
  event_destination_name = "fifo"
  event_destination {
    enabled              = true
    matching_event_types = ["BOUNCE"]
    sns_destination {
      topic_arn = "arn:aws:sns:us-east-1:123456789012:bounces.fifo" # expect: SES106
    }
  }
}

resource "aws_ses_event_destination" "swapped" {
  name                   = "swapped"
  configuration_set_name = "bad"
  enabled                = true
  matching_types         = ["send"]
  kinesis_destination {
    role_arn   = "arn:aws:iam::123456789012:role/r"
    stream_arn = "arn:aws:iam::123456789012:role/r" # expect: SES106
  }
}
