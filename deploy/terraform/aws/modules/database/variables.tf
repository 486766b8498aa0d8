variable "name" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "allowed_cidrs" {
  type = list(string)
}

variable "instance_class" {
  type = string
}

variable "storage_gb" {
  type = number
}

variable "backup_retention_days" {
  type = number
  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "Point-in-time recovery needs 7 to 35 days of retention."
  }
}

variable "deletion_protection" {
  type = bool
}
