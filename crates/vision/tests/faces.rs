//! Two faces in view, with the real models: the real face scan (menpo3d's `james`, fetched by
//! scripts/test) turned by 50° and large, as a patient near the camera, and the astronaut
//! photograph's face, frontal and small, as someone behind. The detector scores the small
//! frontal face above the large turned one, so measuring its best-scored face (as Collis did)
//! measures the wrong person. Checked: the large face is measured (read as in its own image,
//! and its turn within the accuracy tests' 5.5° bound of the truth); the face nearest the
//! middle with [`FaceChoice::Center`]; a video follows the large face in every frame and
//! counts two faces where the detector runs. Measured: the turn of 50° reads 46.1° (tilt
//! −0.4°, flexion −0.2°) beside the small face, whose own reading is rotation 1.1°.

mod common;

use collis_core::HeadAngles;
use collis_vision::detector::FaceDetector;
use collis_vision::image::RotatedRect;
use collis_vision::still::{read_image, OwnedRgb};
use collis_vision::synth::{crop, two_faces, Scan};
use collis_vision::track::PoseStream;
use collis_vision::video::VideoWriter;
use collis_vision::{models, Estimator, FaceChoice};
use nalgebra::Rotation3;

/// The bound of the accuracy tests (`scanned_face_known_angles`) where the 3° is not
/// met; rotation 50° is beyond their ±40°.
const TOLERANCE_DEG: f64 = 5.5;

/// The scan turned by `rotation_deg` (clinical rotation), large: a 384² frame at 17 px/cm, the
/// detector's box ≈ 240 px.
fn near(scan: &Scan, rotation_deg: f64) -> OwnedRgb {
    let angles = HeadAngles {
        rotation_deg,
        tilt_deg: 0.0,
        flexion_deg: 0.0,
    };
    scan.render(&angles, 384, 17.0)
}

/// The astronaut photograph cropped to her face, 200 px (the detector's box ≈ 105 px).
fn far() -> OwnedRgb {
    let photo = read_image(&common::fixture("astronaut_face.jpg")).unwrap();
    let face = RotatedRect {
        cx: 124.0,
        cy: 125.0,
        width: 176.0,
        height: 176.0,
        angle_rad: 0.0,
    };
    crop(&photo.view(), &face, 200)
}

/// The rotation of the face `choice` picks in `img`, and the number of faces seen.
fn measured(est: &Estimator, img: &OwnedRgb, choice: FaceChoice) -> (Rotation3<f64>, usize) {
    let faces = est.faces(&img.view(), choice).unwrap();
    let face = faces.measured.expect("a face");
    (face.pose.rotation, faces.seen)
}

/// The rotation of the one face `img` shows.
fn alone(est: &Estimator, img: &OwnedRgb) -> Rotation3<f64> {
    est.image(&img.view())
        .unwrap()
        .expect("a face")
        .pose
        .rotation
}

/// The head orientation of the scan facing the camera with the small face beside it: the
/// reference of the known turns.
fn neutral(est: &Estimator, scan: &Scan, small: &OwnedRgb) -> Rotation3<f64> {
    let frontal = two_faces(&near(scan, 0.0).view(), &small.view(), false);
    measured(est, &frontal, FaceChoice::Largest).0
}

fn angles(r: &Rotation3<f64>) -> [f64; 3] {
    collis_vision::pose::angles_of(r).as_array()
}

/// Asserts that `got` reads as `alone` (the face measured in its own image) within 3° per axis:
/// in its own image the crop around the face reaches beyond the edges, black there. The two
/// faces read 44° apart in rotation.
fn same_face(got: [f64; 3], alone: [f64; 3]) {
    for k in 0..3 {
        assert!(
            (got[k] - alone[k]).abs() <= 3.0,
            "axis {k}: {got:.1?}, the face alone {alone:.1?}"
        );
    }
}

#[test]
fn the_largest_face_is_measured_not_the_best_scored_one() {
    let est = common::estimator();
    let scan = common::face_scan(est.canonical());
    let (turned, small) = (near(&scan, 50.0), far());
    let img = two_faces(&turned.view(), &small.view(), false);
    let files = models::load(&common::models_dir()).unwrap();
    let found = FaceDetector::new(&files.detector)
        .unwrap()
        .detect(&img.view())
        .unwrap();
    let boxes: Vec<(f32, f64)> = found.iter().map(|d| (d.score, d.width)).collect();
    eprintln!("detector (score, box width px), best score first: {boxes:.3?}");
    assert_eq!(found.len(), 2);
    assert!(
        found[0].width < found[1].width,
        "the small face should score best here: {boxes:?}"
    );
    let (rotation, seen) = measured(&est, &img, FaceChoice::Largest);
    assert_eq!(seen, 2);
    let [near_alone, far_alone] = [&turned, &small].map(|i| angles(&alone(&est, i)));
    eprintln!(
        "measured {:.1?}; the turned scan alone reads {near_alone:.1?}, the small face \
         {far_alone:.1?}",
        angles(&rotation)
    );
    same_face(angles(&rotation), near_alone);
    let got = common::turned_from(&rotation, &neutral(&est, &scan, &small));
    eprintln!("turned by 50° from facing the camera: reads {got:.1?}");
    for (k, truth) in [50.0, 0.0, 0.0].into_iter().enumerate() {
        assert!(
            (got[k] - truth).abs() <= TOLERANCE_DEG,
            "axis {k}: {got:.1?} for a turn of 50°"
        );
    }
}

#[test]
fn center_choice_measures_the_face_nearest_the_middle() {
    let est = common::estimator();
    let scan = common::face_scan(est.canonical());
    let (turned, small) = (near(&scan, 50.0), far());
    let img = two_faces(&turned.view(), &small.view(), true);
    let [largest, center] = [FaceChoice::Largest, FaceChoice::Center].map(|choice| {
        let (rotation, seen) = measured(&est, &img, choice);
        assert_eq!(seen, 2, "{choice:?}");
        angles(&rotation)
    });
    let [near_alone, far_alone] = [&turned, &small].map(|i| angles(&alone(&est, i)));
    eprintln!(
        "largest: {largest:.1?} (the turned scan alone {near_alone:.1?}); \
         center: {center:.1?} (the small face alone {far_alone:.1?})"
    );
    same_face(largest, near_alone);
    same_face(center, far_alone);
}

#[test]
fn video_follows_the_largest_face_and_counts_two_faces() {
    let est = common::estimator();
    let scan = common::face_scan(est.canonical());
    let small = far();
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("two.mp4");
    // One second at 30 frames/s: the large face turns from 30° to 50°, the small one stays.
    let truth: Vec<f64> = (0..31).map(|i| 30.0 + f64::from(i) * 20.0 / 30.0).collect();
    let mut writer = VideoWriter::create(&clip, 640, 384, 30.0).unwrap();
    for r in &truth {
        let img = two_faces(&near(&scan, *r).view(), &small.view(), false);
        writer.write(img.width, img.height, &img.data).unwrap();
    }
    writer.finish().unwrap();
    let neutral = neutral(&est, &scan, &small);
    let mut stream = PoseStream::open(&est, &clip, None, None, None).unwrap();
    let (mut n, mut worst, mut counted) = (0, 0f64, Vec::new());
    while let Some(f) = stream.next_frame().unwrap() {
        let face = f.face.unwrap_or_else(|| panic!("no face in frame {n}"));
        let got = common::turned_from(&face.pose.rotation, &neutral);
        worst = worst.max((got[0] - truth[n]).abs());
        assert!(
            (got[0] - truth[n]).abs() <= TOLERANCE_DEG,
            "frame {n}: rotation {:.1}°, truth {:.1}°",
            got[0],
            truth[n]
        );
        if let Some(faces) = f.faces {
            counted.push((n, faces));
        }
        n += 1;
    }
    eprintln!(
        "video: {n} frames, rotation within {worst:.1}° of the large face's truth, {} detector \
         runs, faces counted {counted:?}",
        stream.detector_runs()
    );
    assert_eq!(n, truth.len());
    assert_eq!(counted, [(0, 2), (30, 2)]);
}
