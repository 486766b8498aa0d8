output "cluster_name" {
  value = module.cluster.name
}

output "deploy_role_arn" {
  description = "Role the release workflow assumes (GitHub OIDC) to deploy"
  value       = module.cluster.deploy_role_arn
}

output "secret_name" {
  description = "Secrets Manager entry holding DATABASE_URL, REDIS_URL and the JWT secrets"
  value       = module.secrets.name
}

output "external_secrets_role_arn" {
  description = "Role for the External Secrets Operator to sync the secret into voyage-secrets"
  value       = module.cluster.external_secrets_role_arn
}

output "database_subnet_cidrs" {
  description = "For the egress-to-datastores NetworkPolicy patch in deploy/k8s/overlays"
  value       = module.network.database_subnet_cidrs
}

output "cache_subnet_cidrs" {
  description = "For the egress-to-datastores NetworkPolicy patch in deploy/k8s/overlays"
  value       = module.network.cache_subnet_cidrs
}
