//! MediaPipe's canonical face (468 vertices, metric units, cm) and the 33 landmark weights of its
//! weighted Procrustes fit, decoded from `geometry_pipeline_metadata_landmarks.binarypb`.
//!
//! Schema (mediapipe/modules/face_geometry/protos/geometry_pipeline_metadata.proto, mesh_3d.proto):
//! `GeometryPipelineMetadata { Mesh3d canonical_mesh = 1; repeated WeightedLandmarkRef
//! procrustes_landmark_basis = 2; InputSource input_source = 3; }`,
//! `Mesh3d { VertexType vertex_type = 1; PrimitiveType primitive_type = 2; repeated float
//! vertex_buffer = 3; repeated uint32 index_buffer = 4; }` (VERTEX_PT: x, y, z, u, v per vertex),
//! `WeightedLandmarkRef { uint32 landmark_id = 1; float weight = 2; }`.
//!
//! Decoded by hand (≈60 lines, varint + length-delimited + fixed32 only): a protobuf crate would
//! need the .proto files and `protoc` at build time, or hand-written message structs anyway
//! (prost derive), for three tiny messages read once.

/// Number of mesh landmarks.
pub const LANDMARKS: usize = 468;

/// The canonical face and the Procrustes weights.
#[derive(Debug, Clone)]
pub struct CanonicalFace {
    /// Vertex positions (x right, y up, z toward the viewer; cm), one per landmark.
    pub vertices: Vec<[f64; 3]>,
    /// Texture coordinates (u, v) per vertex.
    pub uv: Vec<[f64; 2]>,
    /// Triangles (vertex indices).
    pub triangles: Vec<[u32; 3]>,
    /// Procrustes weight per landmark (0 for landmarks outside the basis).
    pub weights: Vec<f64>,
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self
                .buf
                .get(self.pos)
                .ok_or_else(|| format!("truncated varint at byte {}", self.pos))?;
            self.pos += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(format!("varint too long at byte {}", self.pos))
    }
    fn bytes(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len());
        let end = end.ok_or_else(|| format!("field of {n} bytes overruns at byte {}", self.pos))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn f32(&mut self) -> Result<f32, String> {
        let b = self.bytes(4)?;
        Ok(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    /// Next (field number, wire value).
    fn field(&mut self) -> Result<Option<(u64, Value<'a>)>, String> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let key = self.varint()?;
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => Value::Bytes(self.bytes(8)?),
            2 => {
                let n = self.varint()? as usize;
                Value::Bytes(self.bytes(n)?)
            }
            5 => Value::Fixed32(self.f32()?),
            w => return Err(format!("unsupported wire type {w} at byte {}", self.pos)),
        };
        Ok(Some((key >> 3, value)))
    }
}

enum Value<'a> {
    Varint(u64),
    Fixed32(f32),
    Bytes(&'a [u8]),
}

fn reader(buf: &[u8]) -> Reader<'_> {
    Reader { buf, pos: 0 }
}

/// Repeated float: packed (length-delimited) or one fixed32 per field.
fn push_floats(v: Value, out: &mut Vec<f32>) -> Result<(), String> {
    match v {
        Value::Fixed32(x) => out.push(x),
        Value::Bytes(b) => {
            let mut r = reader(b);
            while r.pos < b.len() {
                out.push(r.f32()?);
            }
        }
        Value::Varint(_) => return Err("float field with varint encoding".into()),
    }
    Ok(())
}

/// Repeated uint32: packed or one varint per field.
fn push_u32s(v: Value, out: &mut Vec<u32>) -> Result<(), String> {
    match v {
        Value::Varint(x) => out.push(x as u32),
        Value::Bytes(b) => {
            let mut r = reader(b);
            while r.pos < b.len() {
                out.push(r.varint()? as u32);
            }
        }
        Value::Fixed32(_) => return Err("uint32 field with fixed32 encoding".into()),
    }
    Ok(())
}

impl CanonicalFace {
    /// Decodes the `GeometryPipelineMetadata` protobuf.
    pub fn from_metadata(buf: &[u8]) -> Result<Self, String> {
        let mut floats = Vec::new();
        let mut indices = Vec::new();
        let mut weights = vec![0.0; LANDMARKS];
        let mut basis = 0;
        let mut r = reader(buf);
        while let Some((field, value)) = r.field()? {
            match (field, value) {
                (1, Value::Bytes(mesh)) => {
                    let mut m = reader(mesh);
                    while let Some((f, v)) = m.field()? {
                        match f {
                            1 if !matches!(v, Value::Varint(0)) => {
                                return Err("canonical mesh is not VERTEX_PT".into());
                            }
                            3 => push_floats(v, &mut floats)?,
                            4 => push_u32s(v, &mut indices)?,
                            _ => {}
                        }
                    }
                }
                (2, Value::Bytes(w)) => {
                    let (mut id, mut weight) = (None, 0.0);
                    let mut m = reader(w);
                    while let Some((f, v)) = m.field()? {
                        match (f, v) {
                            (1, Value::Varint(i)) => id = Some(i as usize),
                            (2, Value::Fixed32(x)) => weight = f64::from(x),
                            _ => {}
                        }
                    }
                    let id = id.filter(|&i| i < LANDMARKS).ok_or("bad landmark id")?;
                    weights[id] = weight;
                    basis += 1;
                }
                _ => {}
            }
        }
        if floats.len() != LANDMARKS * 5 {
            return Err(format!(
                "{} vertex floats, expected {}",
                floats.len(),
                LANDMARKS * 5
            ));
        }
        if basis == 0 || indices.len() % 3 != 0 {
            return Err("no Procrustes basis or bad index buffer".into());
        }
        if indices.iter().any(|&i| i as usize >= LANDMARKS) {
            return Err("triangle index out of range".into());
        }
        Ok(CanonicalFace {
            vertices: floats
                .chunks_exact(5)
                .map(|v| [f64::from(v[0]), f64::from(v[1]), f64::from(v[2])])
                .collect(),
            uv: floats
                .chunks_exact(5)
                .map(|v| [f64::from(v[3]), f64::from(v[4])])
                .collect(),
            triangles: indices
                .chunks_exact(3)
                .map(|t| [t[0], t[1], t[2]])
                .collect(),
            weights,
        })
    }
}
