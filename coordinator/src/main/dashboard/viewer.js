// The 3D preview: three.js with the loaders our outputs need — meshopt (EXT_meshopt_compression),
// KTX2/Basis (KHR_texture_basisu), and KHR_mesh_quantization, which GLTFLoader reads itself.
import * as THREE from './vendor/three/build/three.module.js';
import { GLTFLoader } from './vendor/three/examples/jsm/loaders/GLTFLoader.js';
import { KTX2Loader } from './vendor/three/examples/jsm/loaders/KTX2Loader.js';
import { OrbitControls } from './vendor/three/examples/jsm/controls/OrbitControls.js';
import { MeshoptDecoder } from './vendor/three/examples/jsm/libs/meshopt_decoder.module.js';

/** Shows the GLB in `blob` inside `container`; resolves to {meshes, triangles} once drawn. */
export async function preview(container, blob) {
  const w = container.clientWidth || 640;
  const h = container.clientHeight || 420;
  const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(devicePixelRatio);
  renderer.setSize(w, h);
  container.replaceChildren(renderer.domElement);
  const scene = new THREE.Scene();
  scene.background = new THREE.Color(0xf3f4f8);
  scene.add(new THREE.HemisphereLight(0xffffff, 0x445566, 2.5));
  const sun = new THREE.DirectionalLight(0xffffff, 2);
  sun.position.set(3, 5, 4);
  scene.add(sun);
  const camera = new THREE.PerspectiveCamera(45, w / h, 0.01, 1000);
  const ktx2 = new KTX2Loader().setTranscoderPath('/dashboard/vendor/three/examples/jsm/libs/basis/').detectSupport(renderer);
  const loader = new GLTFLoader().setKTX2Loader(ktx2).setMeshoptDecoder(MeshoptDecoder);
  const url = URL.createObjectURL(blob);
  let gltf;
  try {
    gltf = await loader.loadAsync(url);
  } finally {
    URL.revokeObjectURL(url);
  }
  const root = gltf.scene;
  scene.add(root);
  const box = new THREE.Box3().setFromObject(root);
  const size = box.getSize(new THREE.Vector3()).length() || 1;
  const center = box.getCenter(new THREE.Vector3());
  camera.near = size / 1000;
  camera.far = size * 100;
  camera.position.copy(center).add(new THREE.Vector3(0.6, 0.4, 0.9).multiplyScalar(size));
  camera.updateProjectionMatrix();
  const controls = new OrbitControls(camera, renderer.domElement);
  controls.target.copy(center);
  controls.update();
  let meshes = 0;
  let triangles = 0;
  root.traverse((o) => {
    if (o.isMesh) {
      meshes++;
      const g = o.geometry;
      triangles += (g.index ? g.index.count : g.attributes.position.count) / 3;
    }
  });
  const mixer = gltf.animations.length ? new THREE.AnimationMixer(root) : null;
  if (mixer) mixer.clipAction(gltf.animations[0]).play();
  const clock = new THREE.Clock();
  renderer.setAnimationLoop(() => {
    if (!renderer.domElement.isConnected) {
      renderer.setAnimationLoop(null);
      renderer.dispose();
      ktx2.dispose();
      return;
    }
    if (mixer) mixer.update(clock.getDelta());
    controls.update();
    renderer.render(scene, camera);
  });
  renderer.render(scene, camera);
  container.dataset.drawn = 'true';
  return { meshes, triangles };
}
