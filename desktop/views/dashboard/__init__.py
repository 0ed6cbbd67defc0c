"""首页: the dashboard with figures and click-through charts."""
