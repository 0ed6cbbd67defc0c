"""会员管理: the member list page and its dialogs."""
