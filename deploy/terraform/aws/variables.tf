variable "region" {
  description = "AWS region"
  type        = string
  default     = "eu-west-1"
}

variable "environment" {
  description = "staging or production; names every resource"
  type        = string
  validation {
    condition     = contains(["staging", "production"], var.environment)
    error_message = "environment must be staging or production."
  }
}

variable "vpc_cidr" {
  description = "Address range of the VPC; subnets are carved from it"
  type        = string
  default     = "10.30.0.0/16"
}

variable "availability_zones" {
  description = "Zones to spread subnets, the database standby and nodes over"
  type        = number
  default     = 3
}

variable "database_instance_class" {
  type    = string
  default = "db.r6g.large"
}

variable "database_storage_gb" {
  type    = number
  default = 100
}

variable "backup_retention_days" {
  description = "Point-in-time recovery window"
  type        = number
  default     = 14
}

variable "cache_node_type" {
  type    = string
  default = "cache.r7g.large"
}

variable "cluster_version" {
  description = "Kubernetes version of the EKS control plane"
  type        = string
  default     = "1.31"
}

variable "node_instance_types" {
  type    = list(string)
  default = ["m7g.large"]
}

variable "github_repository" {
  description = "owner/name of the repository whose release workflow may deploy"
  type        = string
}

variable "alarm_email" {
  description = "Where CloudWatch alarms are sent (an SNS e-mail subscription); empty for none"
  type        = string
  default     = ""
}
