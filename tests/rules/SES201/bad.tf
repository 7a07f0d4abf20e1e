resource "aws_sesv2_configuration_set" "main" { # expect: SES201
  configuration_set_name = "complaint-missing"
}

resource "aws_sesv2_configuration_set_event_destination" "bounces" {
  configuration_set_name = aws_sesv2_configuration_set.main.configuration_set_name
  event_destination_name = "bounces"
  event_destination {
    enabled              = true
    matching_event_types = ["BOUNCE"]
    sns_destination {
      topic_arn = "arn:aws:sns:us-east-1:123456789012:bounces"
    }
  }
}

resource "aws_sesv2_configuration_set_event_destination" "complaints" {
  configuration_set_name = aws_sesv2_configuration_set.main.id
  event_destination_name = "complaints"
  event_destination {
    enabled              = true
    matching_event_types = ["COMPLAINT"]
    cloud_watch_destination { # a dashboard is not a person
      dimension_configuration {
        default_dimension_value = "none"
        dimension_name          = "set"
        dimension_value_source  = "MESSAGE_TAG"
      }
    }
  }
}
