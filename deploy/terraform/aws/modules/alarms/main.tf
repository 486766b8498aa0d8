# CloudWatch alarms on what Voyage's own metrics cannot see: the managed database and cache.
# Application alerts (error budget, latency) live in Prometheus and Alertmanager.
resource "aws_sns_topic" "alarms" {
  name = "${var.name}-alarms"
}

resource "aws_sns_topic_subscription" "email" {
  count     = var.email == "" ? 0 : 1
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.email
}

locals {
  database_alarms = {
    cpu         = { metric = "CPUUtilization", operator = "GreaterThanThreshold", threshold = 80, statistic = "Average" }
    storage     = { metric = "FreeStorageSpace", operator = "LessThanThreshold", threshold = 10 * 1024 * 1024 * 1024, statistic = "Minimum" }
    memory      = { metric = "FreeableMemory", operator = "LessThanThreshold", threshold = 256 * 1024 * 1024, statistic = "Minimum" }
    connections = { metric = "DatabaseConnections", operator = "GreaterThanThreshold", threshold = 400, statistic = "Maximum" }
  }
  cache_alarms = {
    cpu    = { metric = "EngineCPUUtilization", threshold = 80 }
    memory = { metric = "DatabaseMemoryUsagePercentage", threshold = 80 }
  }
  cache_pairs = {
    for pair in setproduct(var.cache_cluster_ids, keys(local.cache_alarms)) : "${pair[0]}-${pair[1]}" => {
      cluster = pair[0]
      alarm   = local.cache_alarms[pair[1]]
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "database" {
  for_each            = local.database_alarms
  alarm_name          = "${var.name}-postgres-${each.key}"
  namespace           = "AWS/RDS"
  metric_name         = each.value.metric
  dimensions          = { DBInstanceIdentifier = var.database_instance_id }
  statistic           = each.value.statistic
  comparison_operator = each.value.operator
  threshold           = each.value.threshold
  period              = 300
  evaluation_periods  = 2
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

resource "aws_cloudwatch_metric_alarm" "cache" {
  for_each            = local.cache_pairs
  alarm_name          = "${var.name}-redis-${each.key}"
  namespace           = "AWS/ElastiCache"
  metric_name         = each.value.alarm.metric
  dimensions          = { CacheClusterId = each.value.cluster }
  statistic           = "Average"
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.alarm.threshold
  period              = 300
  evaluation_periods  = 2
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}
