variable "name" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "kubernetes_version" {
  type = string
}

variable "instance_types" {
  type = list(string)
}

variable "secret_arn" {
  type = string
}

variable "github_repository" {
  type = string
}

variable "github_environments" {
  type = list(string)
}
