resource "aws_sesv2_configuration_set_event_destination" "off" {
  configuration_set_name = "bad"
  event_destination_name = "off"
  event_destination {
    enabled              = false # expect: SES202
    matching_event_types = ["BOUNCE"]
    sns_destination {
      topic_arn = "arn:aws:sns:us-east-1:123456789012:a"
    }
  }
}

resource "aws_sesv2_configuration_set_event_destination" "absent" { # expect: SES202
  configuration_set_name = "bad"
  event_destination_name = "absent"
  event_destination {
    matching_event_types = ["BOUNCE"]
    sns_destination {
      topic_arn = "arn:aws:sns:us-east-1:123456789012:b"
    }
  }
}
