# One Secrets Manager entry with the keys of deploy/k8s/base/secret.template.yaml; the External
# Secrets Operator (or a person) copies it into the voyage-secrets Kubernetes secret.
resource "random_password" "jwt_access" {
  length  = 64
  special = false
}

resource "random_password" "jwt_refresh" {
  length  = 64
  special = false
}

resource "aws_secretsmanager_secret" "this" {
  name                    = "${var.name}/voyage"
  description             = "Voyage configuration secrets (DATABASE_URL, REDIS_URL, JWT secrets)"
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "this" {
  secret_id = aws_secretsmanager_secret.this.id
  secret_string = jsonencode({
    DATABASE_URL       = var.database_url
    REDIS_URL          = var.redis_url
    JWT_ACCESS_SECRET  = random_password.jwt_access.result
    JWT_REFRESH_SECRET = random_password.jwt_refresh.result
  })
}
