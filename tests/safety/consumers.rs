//! Protected because another namespace pulls from this one: image-puller RoleBindings and `--consumers`.
