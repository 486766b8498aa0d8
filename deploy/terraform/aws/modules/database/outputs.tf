output "instance_id" {
  value = aws_db_instance.this.identifier
}

output "url" {
  # TLS (the parameter group refuses plain connections) without verifying the RDS certificate
  # authority, which Node does not carry; the traffic never leaves the VPC.
  description = "DATABASE_URL for Voyage"
  value       = "postgres://voyage:${random_password.master.result}@${aws_db_instance.this.endpoint}/voyage?sslmode=no-verify"
  sensitive   = true
}
