//! Domain model of Jinghai: regions, units, users, roles and scopes. No IO.
