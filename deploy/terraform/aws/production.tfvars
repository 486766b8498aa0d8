environment           = "production"
vpc_cidr              = "10.30.0.0/16"
availability_zones    = 3
backup_retention_days = 14
