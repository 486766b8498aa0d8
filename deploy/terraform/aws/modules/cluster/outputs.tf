output "name" {
  value = aws_eks_cluster.this.name
}

output "deploy_role_arn" {
  value = aws_iam_role.deploy.arn
}

output "external_secrets_role_arn" {
  value = aws_iam_role.external_secrets.arn
}
