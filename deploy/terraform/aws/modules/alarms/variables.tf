variable "name" {
  type = string
}

variable "database_instance_id" {
  type = string
}

variable "cache_cluster_ids" {
  type = list(string)
}

variable "email" {
  type = string
}
