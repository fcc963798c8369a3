//! The kubeconfig pointing at a simulator: cluster/user/context `prunetags-sim` / `sim-admin`.

use base64::Engine as _;
use serde_json::json;

/// A kubeconfig (YAML) for `server` with the CA inlined, a bearer token and a default namespace.
pub fn render(server: &str, ca_pem: &str, token: &str, namespace: &str) -> String {
    let ca = base64::engine::general_purpose::STANDARD.encode(ca_pem.as_bytes());
    let doc = json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "prunetags-sim", "cluster": {"server": server, "certificate-authority-data": ca}}],
        "users": [{"name": "sim-admin", "user": {"token": token}}],
        "contexts": [{"name": "prunetags-sim", "context": {"cluster": "prunetags-sim", "user": "sim-admin", "namespace": namespace}}],
        "current-context": "prunetags-sim",
        "preferences": {}
    });
    serde_yaml::to_string(&doc).expect("a kubeconfig serializes")
}

#[cfg(test)]
mod tests {
    #[test]
    fn has_the_contract_names() {
        let y = super::render("https://127.0.0.1:1", "PEM", "tok", "ns");
        let v: serde_yaml::Value = serde_yaml::from_str(&y).unwrap();
        assert_eq!(v["current-context"].as_str(), Some("prunetags-sim"));
        assert_eq!(
            v["contexts"][0]["context"]["namespace"].as_str(),
            Some("ns")
        );
        assert_eq!(v["users"][0]["name"].as_str(), Some("sim-admin"));
        assert_eq!(v["users"][0]["user"]["token"].as_str(), Some("tok"));
        assert_eq!(
            v["clusters"][0]["cluster"]["server"].as_str(),
            Some("https://127.0.0.1:1")
        );
    }
}
