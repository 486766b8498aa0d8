output "url" {
  description = "REDIS_URL for Voyage"
  value       = "rediss://${aws_elasticache_replication_group.this.primary_endpoint_address}:6379"
}

# Known before apply (ElastiCache numbers members <group>-001, -002, …), so alarms can for_each.
output "member_cluster_ids" {
  value = [for i in range(1, local.nodes + 1) : format("%s-%03d", aws_elasticache_replication_group.this.replication_group_id, i)]
}
