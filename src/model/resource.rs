//! `kube::Resource` for our types, so that kube's typed `Api<T>` builds their URLs.

use std::borrow::Cow;

use k8s_openapi::{ClusterResourceScope, NamespaceResourceScope};
use kube::Resource;

use super::{
    Image, ImageStream, ImageStreamImage, ImageStreamTag, ObjectMeta, SizedImage, SizedStreamImage,
};

macro_rules! image_resource {
    ($ty:ty, $kind:literal, $plural:literal, $scope:ty) => {
        impl Resource for $ty {
            type DynamicType = ();
            type Scope = $scope;

            fn kind(_: &()) -> Cow<'_, str> {
                Cow::Borrowed($kind)
            }
            fn group(_: &()) -> Cow<'_, str> {
                Cow::Borrowed(super::GROUP)
            }
            fn version(_: &()) -> Cow<'_, str> {
                Cow::Borrowed(super::VERSION)
            }
            fn api_version(_: &()) -> Cow<'_, str> {
                Cow::Borrowed(super::API_VERSION)
            }
            fn plural(_: &()) -> Cow<'_, str> {
                Cow::Borrowed($plural)
            }
            fn meta(&self) -> &ObjectMeta {
                &self.metadata
            }
            fn meta_mut(&mut self) -> &mut ObjectMeta {
                &mut self.metadata
            }
        }
    };
}

image_resource!(
    ImageStream,
    "ImageStream",
    "imagestreams",
    NamespaceResourceScope
);
image_resource!(
    ImageStreamTag,
    "ImageStreamTag",
    "imagestreamtags",
    NamespaceResourceScope
);
image_resource!(
    ImageStreamImage,
    "ImageStreamImage",
    "imagestreamimages",
    NamespaceResourceScope
);
image_resource!(
    SizedStreamImage,
    "ImageStreamImage",
    "imagestreamimages",
    NamespaceResourceScope
);
image_resource!(Image, "Image", "images", ClusterResourceScope);
image_resource!(SizedImage, "Image", "images", ClusterResourceScope);
