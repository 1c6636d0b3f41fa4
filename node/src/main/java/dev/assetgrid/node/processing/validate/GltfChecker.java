package dev.assetgrid.node.processing.validate;

/**
 * Schema and cross-reference checks of the glTF JSON (the part of the Khronos validator that needs
 * no binary data), run as one ordered recipe over the property checkers. Each checker parses its
 * property into the {@link ValidationContext}; the link phase then checks what needs several
 * properties at once and queues the data checks that {@link DataChecks} runs once buffers are
 * loaded.
 */
final class GltfChecker {
  private GltfChecker() {}

  /**
   * Runs the schema and link checks; the order of the steps is the order of their issues in the
   * report.
   */
  static void run(ValidationContext ctx) {
    // schema: each step parses one property and may read the holders published before it
    new RootChecks(ctx).check(); // root members, extension lists, asset; publishes the collections
    new BufferViewChecks(ctx).check(); // buffers, then views (a view must fit its buffer)
    new AccessorChecks(ctx).check(); // layout inside the views
    new TextureChecks(ctx).check(); // images (may live in views), textures, samplers
    new MaterialChecks(ctx).check();
    new CameraChecks(ctx).check();
    MeshChecks meshes = new MeshChecks(ctx);
    meshes.check();
    SkinChecks skins = new SkinChecks(ctx);
    skins.check(); // inverse bind matrices accessors
    NodeChecks nodes = new NodeChecks(ctx);
    nodes.check(); // nodes, then scenes (roots must have no parent)
    AnimationChecks animations = new AnimationChecks(ctx);
    animations.check();
    // the root's extensions declare lights and material variants; afterAll resolves the references
    // to them that node and primitive extensions made above
    ctx.extensions().object(ctx.root(), "", "gltf");
    ctx.extensions().afterAll();
    // links: need every property parsed
    meshes.link(); // attributes against accessors, bindings against materials
    nodes.link(); // mesh and skin use; reads back its own NODE_LOOP issues
    skins.link(); // joint hierarchy and scenes
    animations.link(); // accessors, target nodes and their meshes
  }
}
