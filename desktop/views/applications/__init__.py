"""入会申请: the review queue page and its dialogs (record, approve, reject)."""
