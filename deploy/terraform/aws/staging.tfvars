environment             = "staging"
vpc_cidr                = "10.20.0.0/16"
availability_zones      = 2
database_instance_class = "db.t4g.medium"
database_storage_gb     = 20
backup_retention_days   = 7
cache_node_type         = "cache.t4g.small"
node_instance_types     = ["t4g.large"]
