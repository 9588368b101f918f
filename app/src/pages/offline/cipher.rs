//! Encryption at rest: everything the app keeps in IndexedDB is sealed with
//! AES-GCM (WebCrypto) under one key made on this phone. The key is
//! non-extractable: scripts can ask the browser to use it, but nobody can
//! read it out, so a copy of the phone's storage is unreadable without the
//! browser profile it came from. It lives in IndexedDB beside the data, where
//! the service worker can use it too.

use js_sys::{Array, Object, Reflect, Uint8Array};
use leptos::prelude::window;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AesGcmParams, AesKeyGenParams, CryptoKey, SubtleCrypto};

const ALGORITHM: &str = "AES-GCM";
/// 96-bit nonces, random for every value sealed.
const NONCE_BYTES: usize = 12;

fn subtle() -> Result<SubtleCrypto, JsValue> {
    Ok(window().crypto()?.subtle())
}

/// A new 256-bit key that cannot be exported.
pub async fn new_key() -> Result<CryptoKey, JsValue> {
    let params = AesKeyGenParams::new(ALGORITHM, 256);
    let usages = Array::of2(&"encrypt".into(), &"decrypt".into());
    let key = JsFuture::from(subtle()?.generate_key_with_object(&params, false, &usages)?).await?;
    key.dyn_into()
}

/// `{iv, data}`: the nonce and the ciphertext of `plain`.
pub async fn seal(key: &CryptoKey, plain: &str) -> Result<JsValue, JsValue> {
    let mut nonce = [0u8; NONCE_BYTES];
    window().crypto()?.get_random_values_with_u8_array(&mut nonce)?;
    let iv = Uint8Array::from(&nonce[..]);
    let params = AesGcmParams::new(ALGORITHM, &iv);
    let data = JsFuture::from(subtle()?.encrypt_with_object_and_u8_array(&params, key, plain.as_bytes())?).await?;
    let sealed = Object::new();
    Reflect::set(&sealed, &"iv".into(), &iv)?;
    Reflect::set(&sealed, &"data".into(), &data)?;
    Ok(sealed.into())
}

/// The text sealed in `sealed`; an error if it was sealed under another key
/// or altered. The decryption starts at the call, so many can run at once.
pub fn open(key: &CryptoKey, sealed: &JsValue) -> impl std::future::Future<Output = Result<String, JsValue>> {
    let started = start_decrypt(key, sealed).map(JsFuture::from);
    async move {
        let plain = started?.await?;
        String::from_utf8(Uint8Array::new(&plain).to_vec()).map_err(|_| JsValue::from_str("not text"))
    }
}

fn start_decrypt(key: &CryptoKey, sealed: &JsValue) -> Result<js_sys::Promise, JsValue> {
    let iv: Object = Reflect::get(sealed, &"iv".into())?.dyn_into()?;
    let data: Object = Reflect::get(sealed, &"data".into())?.dyn_into()?;
    let params = AesGcmParams::new(ALGORITHM, &iv);
    subtle()?.decrypt_with_object_and_buffer_source(&params, key, &data)
}
