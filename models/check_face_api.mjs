// Runs face-api's own expression and recognition nets under TensorFlow.js (CPU backend) on prepared images.
// Called by check_face_api.py, which installs the packages and compares the results with the TorchScript
// conversions:
//
//     node check_face_api.mjs NODE_PROJECT MODEL_DIR CASES_JSON OUT_JSON
//
// NODE_PROJECT: a folder whose node_modules hold @tensorflow/tfjs and @vladmandic/face-api; MODEL_DIR: the
// package's model/ folder; CASES_JSON: [{name, net: "expression" | "recognition", size, pixels: file of
// size*size*3 bytes, RGB, row by row}]. OUT_JSON gets, per case, the expression logits and probabilities or
// the recognition descriptor.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const [project, modelDir, casesFile, outFile] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(project), 'package.json'));
const tf = require('@tensorflow/tfjs');
// The build that takes TensorFlow.js from node_modules instead of bundling its own copy, so that the tensors
// made here are the ones face-api knows.
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

await tf.setBackend('cpu');
await tf.ready();

const expression = new faceapi.FaceExpressionNet();
const recognition = new faceapi.FaceRecognitionNet();
// loadFromDisk reads <dir>/<net>-weights_manifest.json and its .bin with Node's fs, as face-api's docs show.
await expression.loadFromDisk(modelDir);
await recognition.loadFromDisk(modelDir);

const cases = JSON.parse(fs.readFileSync(casesFile, 'utf8'));
const results = [];
for (const c of cases) {
  const bytes = fs.readFileSync(c.pixels);
  // Pixel values 0..255 as float32, HxWx3: what face-api makes of an image, before its own mean subtraction
  // and division by 255. The size is the net's input size, so face-api neither pads nor resizes it.
  const image = tf.tensor3d(Float32Array.from(bytes), [c.size, c.size, 3], 'float32');
  const input = await faceapi.toNetInput(image);
  const result = { name: c.name, net: c.net };
  if (c.net === 'expression') {
    const logits = expression.runNet(input);
    const probabilities = expression.forwardInput(input);
    result.logits = Array.from(await logits.data());
    result.probabilities = Array.from(await probabilities.data());
    tf.dispose([logits, probabilities]);
  } else {
    const descriptor = recognition.forwardInput(input);
    result.descriptor = Array.from(await descriptor.data());
    tf.dispose(descriptor);
  }
  tf.dispose(image);
  results.push(result);
}

fs.writeFileSync(outFile, JSON.stringify({
  tfjs: tf.version.tfjs,
  backend: tf.getBackend(),
  faceApi: faceapi.version,
  results,
}, null, 1));
