"""困难帮扶: the hardship files list (with the due/overdue filter the dashboard opens) and
each file's page: household, assistance ledger, reviews, the consent gate and the
audited 查看敏感信息."""
