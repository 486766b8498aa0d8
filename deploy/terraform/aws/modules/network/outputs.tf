output "vpc_id" {
  value = aws_vpc.this.id
}

output "private_subnet_ids" {
  value = aws_subnet.private[*].id
}

output "private_subnet_cidrs" {
  value = aws_subnet.private[*].cidr_block
}

output "database_subnet_ids" {
  value = aws_subnet.database[*].id
}

output "cache_subnet_ids" {
  value = aws_subnet.cache[*].id
}

output "database_subnet_cidrs" {
  description = "One range holding every database subnet"
  value       = local.database_block
}

output "cache_subnet_cidrs" {
  description = "One range holding every cache subnet"
  value       = local.cache_block
}
