"""审计记录: the audit trail viewer (filters, 校验) for administrators."""
