//! Decoding arbitrary API responses into our models (ImageStream and its list, ImageStreamTag,
//! ImageStreamLayers, Status, Image), then running what `list`, `usage` and `prune` run on what
//! decodes: inventory, size accounting, a plan, and serializing each back. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prunetags::model::{Image, ImageStream, ImageStreamLayers, ImageStreamTag, Status};
use prunetags::plan::{self, Context, PlanOptions};
use prunetags::usage::SizeIndex;

fuzz_target!(|data: &[u8]| {
    let now: jiff::Timestamp = "2024-06-01T12:00:00Z".parse().unwrap();
    let mut streams: Vec<ImageStream> = Vec::new();
    if let Ok(s) = serde_json::from_slice::<ImageStream>(data) {
        streams.push(s);
    }
    if let Ok(list) = serde_json::from_slice::<kube::core::ObjectList<ImageStream>>(data) {
        streams.extend(list.items);
    }
    let mut index = SizeIndex::new();
    if let Ok(layers) = serde_json::from_slice::<ImageStreamLayers>(data) {
        index.add_layers(&layers);
    }
    if let Ok(image) = serde_json::from_slice::<Image>(data) {
        // Membership from /layers and sizes from the Image together, as prune builds them
        // (the config size is Size minus the layers: arbitrary numbers must not overflow).
        index.add_image(&image);
    }
    if let Ok(istag) = serde_json::from_slice::<ImageStreamTag>(data) {
        let _ = serde_json::to_string(&istag);
    }
    if let Ok(status) = serde_json::from_slice::<Status>(data) {
        let _ = serde_json::to_string(&status);
    }
    if streams.is_empty() {
        return;
    }
    let inv = prunetags::inventory::inventory(&streams);
    serde_json::to_string(&inv).expect("an inventory serializes");
    let report = prunetags::usage::account(&streams, &index);
    serde_json::to_string(&report).expect("a usage report serializes");
    let plan = plan::build(
        &streams,
        &Context::new(Default::default(), &streams),
        &PlanOptions::new(2, now),
    );
    serde_json::to_string(&plan).expect("a plan serializes");
    for s in &streams {
        serde_json::to_string(s).expect("a stream serializes back");
    }
});
