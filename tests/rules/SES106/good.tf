resource "aws_sesv2_configuration_set_event_destination" "topic" {
  configuration_set_name = "good"
  event_destination_name = "topic"
  event_destination {
    enabled              = true
    matching_event_types = ["BOUNCE"]
    sns_destination {
      topic_arn = aws_sns_topic.bounces.arn
    }
  }
}

resource "aws_ses_event_destination" "archive" {
  name                   = "archive"
  configuration_set_name = "good"
  enabled                = true
  matching_types         = ["send"]
  kinesis_destination {
    role_arn   = "arn:aws:iam::123456789012:role/r"
    stream_arn = "arn:aws:firehose:us-east-1:123456789012:deliverystream/s"
  }
}
