resource "aws_sesv2_configuration_set_event_destination" "one" {
  configuration_set_name = "good"
  event_destination_name = "one"
  event_destination {
    enabled              = true
    matching_event_types = ["BOUNCE"]
    dynamic "sns_destination" {
      for_each = var.topics
      content {
        topic_arn = sns_destination.value
      }
    }
  }
}
