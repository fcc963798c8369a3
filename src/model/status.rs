use serde::{Deserialize, Serialize};

/// A Kubernetes `Status` body: how the API server reports success of a DELETE and every error.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub kind: String,
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    pub metadata: serde_json::Map<String, serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<StatusDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<u16>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The deleted object's UID (a DELETE of an Image answers it: recording round2/220).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "retryAfterSeconds"
    )]
    pub retry_after_seconds: Option<u32>,
}

impl Status {
    /// `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success"}`
    pub fn success() -> Self {
        Status {
            kind: "Status".into(),
            api_version: "v1".into(),
            status: Some("Success".into()),
            ..Default::default()
        }
    }

    /// A `Failure` Status with the given code, reason and message.
    pub fn failure(code: u16, reason: &str, message: impl Into<String>) -> Self {
        Status {
            kind: "Status".into(),
            api_version: "v1".into(),
            status: Some("Failure".into()),
            message: Some(message.into()),
            reason: Some(reason.into()),
            code: Some(code),
            ..Default::default()
        }
    }

    pub fn with_details(mut self, name: Option<&str>, group: &str, kind: &str) -> Self {
        self.details = Some(StatusDetails {
            name: name.map(str::to_owned),
            group: Some(group.to_owned()),
            kind: Some(kind.to_owned()),
            ..Default::default()
        });
        self
    }
}
