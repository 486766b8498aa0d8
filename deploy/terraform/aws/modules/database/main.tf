# RDS Postgres 15, Multi-AZ, encrypted, with point-in-time recovery over the retention window.
# The extensions Voyage's migrations create are allow-listed; the master user creates them.
locals {
  # Kept equal to the CREATE EXTENSION statements in migrations/ (a test compares them) plus
  # amcheck, which backup verification uses.
  extensions = ["amcheck", "btree_gist", "cube", "earthdistance", "pg_trgm", "pgcrypto"]
}

resource "random_password" "master" {
  length  = 40
  special = false
}

resource "aws_db_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
}

resource "aws_security_group" "this" {
  name   = "${var.name}-postgres"
  vpc_id = var.vpc_id
  ingress {
    description = "Postgres from the cluster's nodes"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = var.allowed_cidrs
  }
}

resource "aws_db_parameter_group" "this" {
  name   = "${var.name}-postgres15"
  family = "postgres15"
  parameter {
    name         = "rds.allowed_extensions"
    value        = join(",", local.extensions)
    apply_method = "pending-reboot"
  }
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
  parameter {
    name         = "shared_preload_libraries"
    value        = "pg_stat_statements"
    apply_method = "pending-reboot"
  }
  parameter {
    name  = "log_min_duration_statement"
    value = "500"
  }
}

resource "aws_db_instance" "this" {
  identifier                   = var.name
  engine                       = "postgres"
  engine_version               = "15"
  instance_class               = var.instance_class
  allocated_storage            = var.storage_gb
  max_allocated_storage        = var.storage_gb * 4
  storage_type                 = "gp3"
  storage_encrypted            = true
  db_name                      = "voyage"
  username                     = "voyage"
  password                     = random_password.master.result
  multi_az                     = true
  db_subnet_group_name         = aws_db_subnet_group.this.name
  vpc_security_group_ids       = [aws_security_group.this.id]
  parameter_group_name         = aws_db_parameter_group.this.name
  backup_retention_period      = var.backup_retention_days
  backup_window                = "02:00-03:00"
  maintenance_window           = "sun:03:30-sun:04:30"
  copy_tags_to_snapshot        = true
  deletion_protection          = var.deletion_protection
  skip_final_snapshot          = !var.deletion_protection
  final_snapshot_identifier    = "${var.name}-final"
  performance_insights_enabled = true
  auto_minor_version_upgrade   = true
  apply_immediately            = false
}
