resource "aws_sesv2_configuration_set_event_destination" "two" {
  configuration_set_name = "bad"
  event_destination_name = "two"
  event_destination {
    enabled              = true
    matching_event_types = ["BOUNCE"]
    sns_destination {
      topic_arn = "arn:aws:sns:us-east-1:123456789012:a"
    }
    pinpoint_destination { # expect: SES102
      application_arn = "arn:aws:mobiletargeting:us-east-1:123456789012:apps/abc"
    }
  }
}

resource "aws_ses_event_destination" "none" { # expect: SES102
  name                   = "none"
  configuration_set_name = "bad"
  enabled                = true
  matching_types         = ["bounce"]
}
