# Voyage on AWS: a VPC, RDS Postgres 15 (Multi-AZ, point-in-time recovery), ElastiCache Redis 7,
# EKS for the Kubernetes manifests in deploy/k8s, the secrets they read, and alarms.
#   terraform init && terraform apply -var environment=staging -var github_repository=owner/voyage
locals {
  name = "voyage-${var.environment}"
}

module "network" {
  source             = "./modules/network"
  name               = local.name
  cidr               = var.vpc_cidr
  availability_zones = var.availability_zones
}

module "database" {
  source                = "./modules/database"
  name                  = local.name
  vpc_id                = module.network.vpc_id
  subnet_ids            = module.network.database_subnet_ids
  allowed_cidrs         = module.network.private_subnet_cidrs
  instance_class        = var.database_instance_class
  storage_gb            = var.database_storage_gb
  backup_retention_days = var.backup_retention_days
  deletion_protection   = var.environment == "production"
}

module "cache" {
  source        = "./modules/cache"
  name          = local.name
  vpc_id        = module.network.vpc_id
  subnet_ids    = module.network.cache_subnet_ids
  allowed_cidrs = module.network.private_subnet_cidrs
  node_type     = var.cache_node_type
}

module "secrets" {
  source       = "./modules/secrets"
  name         = local.name
  database_url = module.database.url
  redis_url    = module.cache.url
}

module "cluster" {
  source              = "./modules/cluster"
  name                = local.name
  subnet_ids          = module.network.private_subnet_ids
  kubernetes_version  = var.cluster_version
  instance_types      = var.node_instance_types
  secret_arn          = module.secrets.arn
  github_repository   = var.github_repository
  github_environments = [var.environment]
}

module "alarms" {
  source               = "./modules/alarms"
  name                 = local.name
  database_instance_id = module.database.instance_id
  cache_cluster_ids    = module.cache.member_cluster_ids
  email                = var.alarm_email
}
