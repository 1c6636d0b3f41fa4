package dev.assetgrid.node.processing.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.validate.Model.Acc;
import dev.assetgrid.node.processing.validate.Model.Buf;
import dev.assetgrid.node.processing.validate.Model.Channel;
import dev.assetgrid.node.processing.validate.Model.Image;
import dev.assetgrid.node.processing.validate.Model.Material;
import dev.assetgrid.node.processing.validate.Model.Mesh;
import dev.assetgrid.node.processing.validate.Model.Node;
import dev.assetgrid.node.processing.validate.Model.Prim;
import dev.assetgrid.node.processing.validate.Model.Sampler;
import dev.assetgrid.node.processing.validate.Model.Skin;
import dev.assetgrid.node.processing.validate.Model.Sparse;
import dev.assetgrid.node.processing.validate.Model.TexRef;
import dev.assetgrid.node.processing.validate.Model.View;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.assetgrid.node.processing.validate.Json.ptr;
import static dev.assetgrid.node.processing.validate.Model.*;

/**
 * Schema and cross-reference checks of the glTF JSON (the part of the Khronos validator that needs no
 * binary data), plus the bookkeeping later phases need: parsed holders, usage of buffer views and
 * accessors, which objects are referenced.
 */
final class GltfChecker {
    static final String[] COLLECTIONS = {"accessors", "animations", "buffers", "bufferViews", "cameras", "images",
            "materials", "meshes", "nodes", "samplers", "scenes", "skins", "textures"};
    private static final Set<String> ROOT_MEMBERS = Set.of("asset", "extensionsUsed", "extensionsRequired", "scene",
            "accessors", "animations", "buffers", "bufferViews", "cameras", "images", "materials", "meshes", "nodes",
            "samplers", "scenes", "skins", "textures");
    private static final Pattern VERSION = Pattern.compile("^([0-9]+)\\.([0-9]+)$");
    private static final Pattern EXT_NAME = Pattern.compile("^([A-Z0-9]+)_[A-Za-z0-9_]+$");
    private static final Pattern SEMANTIC = Pattern.compile("^(TEXCOORD|COLOR|JOINTS|WEIGHTS)_(0|[1-9][0-9]*)$");

    final Json j;
    final Issues issues;
    final ObjectNode root;
    final boolean glb;
    final Extensions ext;

    final Map<String, List<ObjectNode>> coll = new HashMap<>();
    final Map<String, boolean[]> used = new HashMap<>();
    final Set<String> extensionsUsed = new LinkedHashSet<>();
    final Set<String> extensionsRequired = new LinkedHashSet<>();

    Buf[] buffers = new Buf[0];
    View[] views = new View[0];
    Acc[] accessors = new Acc[0];
    Image[] images = new Image[0];
    Material[] materials = new Material[0];
    Mesh[] meshes = new Mesh[0];
    Node[] nodes = new Node[0];
    Skin[] skins = new Skin[0];
    int[][] textures = new int[0][]; // {sampler, source, webpSource}
    final List<List<Channel>> animChannels = new ArrayList<>();
    final List<List<Sampler>> animSamplers = new ArrayList<>();
    int[][] scenes = new int[0][];
    int defaultScene = -1;
    /** Data checks to run once buffers are loaded: accessor index, kind, pointer, extra. */
    final List<DataChecks.Use> uses = new ArrayList<>();
    /** EXT_texture_webp sources: {image index, pointer}. */
    final List<Object[]> webpSources = new ArrayList<>();

    GltfChecker(ObjectNode root, Issues issues, boolean glb) {
        this.root = root;
        this.issues = issues;
        this.j = new Json(issues);
        this.glb = glb;
        this.ext = new Extensions(this);
    }

    int size(String c) {
        List<ObjectNode> l = coll.get(c);
        return l == null ? 0 : l.size();
    }

    ObjectNode get(String c, int i) {
        List<ObjectNode> l = coll.get(c);
        return l == null || i < 0 || i >= l.size() ? null : l.get(i);
    }

    /** Resolves a reference, reporting UNRESOLVED_REFERENCE; marks the target used. */
    boolean ref(String c, int idx, String pointer) {
        if (idx < 0) {
            return false;
        }
        List<ObjectNode> l = coll.get(c);
        if (l == null || idx >= l.size()) {
            j.add(IssueCode.UNRESOLVED_REFERENCE, pointer, "Unresolved reference: " + idx + ".");
            return false;
        }
        used.get(c)[idx] = true;
        return l.get(idx) != null;
    }

    void run() {
        j.members(root, "", ROOT_MEMBERS);
        extensionLists();
        asset();
        for (String c : COLLECTIONS) {
            collection(c);
        }
        buffers();
        bufferViews();
        accessors();
        images();
        textures();
        materials();
        cameras();
        meshes();
        skins();
        nodes();
        scenes();
        animations();
        ext.object(root, "", "gltf");
        ext.afterAll();
        linkMeshes();
        linkNodes();
        linkSkins();
        linkAnimations();
        extensionsRequiredUse();
    }

    // ---------------------------------------------------------------- root

    private void asset() {
        ObjectNode a = j.obj(root, "", "asset", true);
        if (a == null) {
            return;
        }
        j.members(a, "/asset", Set.of("copyright", "generator", "version", "minVersion"));
        String v = j.strPattern(a, "/asset", "version", true, VERSION);
        String mv = j.strPattern(a, "/asset", "minVersion", false, VERSION);
        j.str(a, "/asset", "copyright", false);
        j.str(a, "/asset", "generator", false);
        if (v != null) {
            Matcher m = VERSION.matcher(v);
            m.find();
            long major = parse(m.group(1));
            long minor = parse(m.group(2));
            if (major != 2) {
                j.add(IssueCode.UNKNOWN_ASSET_MAJOR_VERSION, "/asset/version", "Unknown glTF major asset version: " + major + ".");
            } else if (minor > 0) {
                j.add(IssueCode.UNKNOWN_ASSET_MINOR_VERSION, "/asset/version", "Unknown glTF minor asset version: " + minor + ".");
            }
            if (mv != null) {
                Matcher mm = VERSION.matcher(mv);
                mm.find();
                long mmaj = parse(mm.group(1));
                long mmin = parse(mm.group(2));
                if (mmaj > major || (mmaj == major && mmin > minor)) {
                    j.add(IssueCode.ASSET_MIN_VERSION_GREATER_THAN_VERSION, "/asset/minVersion",
                            "Asset minVersion '" + mv + "' is greater than version '" + v + "'.");
                }
            }
        }
        ext.object(a, "/asset", "asset");
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private void extensionLists() {
        stringSet("extensionsUsed", extensionsUsed);
        stringSet("extensionsRequired", extensionsRequired);
        if (root.has("extensionsRequired") && !root.has("extensionsUsed")) {
            j.add(IssueCode.UNSATISFIED_DEPENDENCY, "/extensionsRequired", "Dependency failed. 'extensionsUsed' must be defined.");
        }
        int i = 0;
        for (String e : extensionsUsed) {
            String p = "/extensionsUsed/" + indexIn(root.get("extensionsUsed"), e);
            if (!EXT_NAME.matcher(e).matches()) {
                j.add(IssueCode.INVALID_EXTENSION_NAME_FORMAT, p, "Extension name has invalid format.");
            }
            if (!Extensions.KNOWN.containsKey(e)) {
                j.add(IssueCode.UNSUPPORTED_EXTENSION, p,
                        "Cannot validate an extension as it is not supported by the validator: '" + e + "'.");
            } else if (Extensions.INCOMPLETE.contains(e)) {
                // reported where the extension object is found
            }
            if (e.equals("KHR_mesh_quantization") && !extensionsRequired.contains(e)) {
                j.add(IssueCode.NON_REQUIRED_EXTENSION, p, "Extension '" + e + "' cannot be optional.");
            }
            i++;
        }
        for (String e : extensionsRequired) {
            if (!extensionsUsed.contains(e)) {
                j.add(IssueCode.UNUSED_EXTENSION_REQUIRED, "/extensionsRequired/" + indexIn(root.get("extensionsRequired"), e),
                        "Unused extension '" + e + "' cannot be required.");
            }
        }
    }

    private static int indexIn(JsonNode arr, String s) {
        for (int i = 0; arr != null && i < arr.size(); i++) {
            if (s.equals(arr.get(i).asText(null))) {
                return i;
            }
        }
        return 0;
    }

    private void stringSet(String name, Set<String> out) {
        JsonNode v = root.get(name);
        if (v == null) {
            return;
        }
        if (!v.isArray()) {
            j.typeMismatch("/" + name, v, "array");
            return;
        }
        if (v.size() == 0) {
            j.add(IssueCode.EMPTY_ENTITY, "/" + name, "Entity cannot be empty.");
            return;
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isTextual()) {
                j.add(IssueCode.ARRAY_TYPE_MISMATCH, "/" + name + "/" + i, "Type mismatch. Array element " + Json.show(e) + " is not a 'string'.");
            } else if (!out.add(e.asText())) {
                j.add(IssueCode.DUPLICATE_ELEMENTS, "/" + name + "/" + i, "Duplicate element.");
            }
        }
    }

    private void extensionsRequiredUse() {
        // nothing more: usage of required extensions is not tracked by Khronos either
    }

    private void collection(String c) {
        JsonNode v = root.get(c);
        List<ObjectNode> list = new ArrayList<>();
        if (v != null) {
            if (!v.isArray()) {
                j.typeMismatch("/" + c, v, "array");
            } else if (v.size() == 0) {
                j.add(IssueCode.EMPTY_ENTITY, "/" + c, "Entity cannot be empty.");
            } else {
                for (int i = 0; i < v.size(); i++) {
                    JsonNode e = v.get(i);
                    if (e.isObject()) {
                        list.add((ObjectNode) e);
                    } else {
                        j.typeMismatch("/" + c + "/" + i, e, "object");
                        list.add(null);
                    }
                }
            }
        }
        coll.put(c, list);
        used.put(c, new boolean[list.size()]);
    }

    // ---------------------------------------------------------------- buffers & views

    private void buffers() {
        List<ObjectNode> l = coll.get("buffers");
        buffers = new Buf[l.size()];
        for (int i = 0; i < l.size(); i++) {
            ObjectNode o = l.get(i);
            Buf b = new Buf();
            buffers[i] = b;
            if (o == null) {
                continue;
            }
            String p = "/buffers/" + i;
            b.o = o;
            j.members(o, p, Set.of("uri", "byteLength", "name"));
            b.byteLength = j.uint(o, p, "byteLength", true, 1, Long.MAX_VALUE, -1);
            b.uri = j.str(o, p, "uri", false);
            if (b.uri == null && !o.has("uri")) {
                b.glb = glb && i == 0;
            } else if (b.uri != null && glb) {
                j.add(IssueCode.URI_GLB, p + "/uri", "URI is used in GLB container.");
            }
            ext.object(o, p, "buffer");
        }
    }

    private void bufferViews() {
        List<ObjectNode> l = coll.get("bufferViews");
        views = new View[l.size()];
        for (int i = 0; i < l.size(); i++) {
            ObjectNode o = l.get(i);
            View v = new View();
            views[i] = v;
            if (o == null) {
                continue;
            }
            String p = "/bufferViews/" + i;
            v.o = o;
            j.members(o, p, Set.of("buffer", "byteOffset", "byteLength", "byteStride", "target", "name"));
            v.buffer = j.index(o, p, "buffer", true);
            v.byteOffset = j.uint(o, p, "byteOffset", false, 0, Long.MAX_VALUE, 0);
            v.byteLength = j.uint(o, p, "byteLength", true, 1, Long.MAX_VALUE, -1);
            long stride = j.uint(o, p, "byteStride", false, 4, 252, -1);
            if (stride > 0 && stride % 4 != 0) {
                j.add(IssueCode.VALUE_MULTIPLE_OF, p + "/byteStride", "Value " + stride + " is not a multiple of 4.");
            }
            v.byteStride = (int) stride;
            v.target = (int) j.uintEnum(o, p, "target", false, -1, ARRAY_BUFFER, ELEMENT_ARRAY_BUFFER);
            if (v.target == ARRAY_BUFFER) {
                v.usage = null;
            } else if (v.target == ELEMENT_ARRAY_BUFFER && v.byteStride > 0) {
                j.add(IssueCode.BUFFER_VIEW_INVALID_BYTE_STRIDE, p + "/byteStride", "Only buffer views with raw vertex data can have byteStride.");
            }
            if (ref("buffers", v.buffer, p + "/buffer") && v.byteOffset >= 0 && v.byteLength > 0) {
                Buf b = buffers[v.buffer];
                if (b.byteLength > 0) {
                    if (v.byteOffset >= b.byteLength) {
                        j.add(IssueCode.BUFFER_VIEW_TOO_LONG, p + "/byteOffset", "BufferView does not fit buffer (" + v.buffer + ") byteLength (" + b.byteLength + ").");
                    } else if (v.byteOffset + v.byteLength > b.byteLength) {
                        j.add(IssueCode.BUFFER_VIEW_TOO_LONG, p + "/byteLength", "BufferView does not fit buffer (" + v.buffer + ") byteLength (" + b.byteLength + ").");
                    } else {
                        v.fits = true;
                    }
                }
            }
            if (v.byteStride > 0 && v.byteLength > 0 && v.byteStride > v.byteLength) {
                j.add(IssueCode.BUFFER_VIEW_TOO_BIG_BYTE_STRIDE, p + "/byteStride",
                        "Buffer view's byteStride (" + v.byteStride + ") is greater than byteLength (" + v.byteLength + ").");
            }
            ext.object(o, p, "bufferView");
        }
    }

    /** Records how a buffer view is used; reports conflicting uses and missing targets. */
    void viewUsage(int viewIdx, String usage, String pointer) {
        if (viewIdx < 0 || viewIdx >= views.length || views[viewIdx].o == null) {
            return;
        }
        View v = views[viewIdx];
        String fromTarget = v.target == ARRAY_BUFFER ? "VertexBuffer" : v.target == ELEMENT_ARRAY_BUFFER ? "IndexBuffer" : null;
        String initial = v.usage != null ? v.usage : fromTarget;
        if (initial != null && !initial.equals(usage)) {
            j.add(IssueCode.BUFFER_VIEW_TARGET_OVERRIDE, pointer,
                    "Override of previously set bufferView target or usage. Initial: '" + initial + "', new: '" + usage + "'.");
            return;
        }
        if (v.usage == null && fromTarget == null && (usage.equals("VertexBuffer") || usage.equals("IndexBuffer"))) {
            j.add(IssueCode.BUFFER_VIEW_TARGET_MISSING, pointer, "bufferView.target should be set for vertex or index data.");
        }
        v.usage = usage;
    }

    // ---------------------------------------------------------------- accessors

    private void accessors() {
        List<ObjectNode> l = coll.get("accessors");
        accessors = new Acc[l.size()];
        for (int i = 0; i < l.size(); i++) {
            ObjectNode o = l.get(i);
            Acc a = new Acc();
            accessors[i] = a;
            if (o == null) {
                continue;
            }
            String p = "/accessors/" + i;
            a.o = o;
            j.members(o, p, Set.of("bufferView", "byteOffset", "componentType", "normalized", "count", "type", "max", "min", "sparse", "name"));
            a.bufferView = j.index(o, p, "bufferView", false);
            a.byteOffset = j.uint(o, p, "byteOffset", false, 0, Long.MAX_VALUE, 0);
            a.componentType = (int) j.uintEnum(o, p, "componentType", true, -1, BYTE, UBYTE, SHORT, USHORT, UINT, FLOAT);
            a.count = (int) Math.min(Integer.MAX_VALUE, j.uint(o, p, "count", true, 1, Long.MAX_VALUE, -1));
            a.type = j.strEnum(o, p, "type", true, null, "SCALAR", "VEC2", "VEC3", "VEC4", "MAT2", "MAT3", "MAT4");
            a.normalized = j.bool(o, p, "normalized", false);
            int comps = a.comps();
            int[] len = comps > 0 ? new int[] {comps} : new int[0];
            a.min = j.floats(o, p, "min", false, Double.NaN, Double.NaN, null, len);
            a.max = j.floats(o, p, "max", false, Double.NaN, Double.NaN, null, len);
            if (a.normalized && (a.componentType == FLOAT || a.componentType == UINT)) {
                j.add(IssueCode.ACCESSOR_NORMALIZED_INVALID, p + "/normalized", "Only (u)byte and (u)short accessors can be normalized.");
            }
            if (a.bufferView == -1 && o.has("byteOffset")) {
                j.add(IssueCode.UNSATISFIED_DEPENDENCY, p + "/byteOffset", "Dependency failed. 'bufferView' must be defined.");
            }
            int cs = componentSize(a.componentType);
            if (cs > 0 && a.byteOffset > 0) {
                if (a.type != null && a.type.startsWith("MAT") && a.byteOffset % 4 != 0) {
                    j.add(IssueCode.ACCESSOR_MATRIX_ALIGNMENT, p + "/byteOffset", "Matrix accessors must be aligned to 4-byte boundaries.");
                } else if (a.byteOffset % cs != 0) {
                    j.add(IssueCode.ACCESSOR_OFFSET_ALIGNMENT, p + "/byteOffset", "Offset " + a.byteOffset + " is not a multiple of componentType length " + cs + ".");
                }
            }
            ObjectNode s = j.obj(o, p, "sparse", false);
            if (s != null) {
                sparse(a, s, p + "/sparse");
            }
            // link
            a.layoutOk = a.valid();
            if (a.bufferView >= 0) {
                if (ref("bufferViews", a.bufferView, p + "/bufferView")) {
                    layout(a, p);
                } else {
                    a.layoutOk = false;
                }
            } else if (a.bufferView == -2) {
                a.layoutOk = false;
            }
            ext.object(o, p, "accessor");
        }
    }

    /** Size of one element in bytes, with matrix column padding. */
    static int elementSize(Acc a) {
        int cs = componentSize(a.componentType);
        int comps = a.comps();
        if (a.type == null || cs == 0) {
            return 0;
        }
        if (a.type.equals("MAT2") && cs == 1) {
            return 8;
        }
        if (a.type.equals("MAT3") && cs == 1) {
            return 12;
        }
        if (a.type.equals("MAT3") && cs == 2) {
            return 24;
        }
        return comps * cs;
    }

    /** Bytes of the last element, which need not carry the padding of its last column. */
    static int lastElementSize(Acc a) {
        int cs = componentSize(a.componentType);
        if (a.type != null && a.type.startsWith("MAT")) {
            int n = a.type.charAt(3) - '0';
            int colStride = elementSize(a) / n;
            return colStride * (n - 1) + n * cs;
        }
        return elementSize(a);
    }

    private void layout(Acc a, String p) {
        View v = views[a.bufferView];
        if (!a.valid()) {
            a.layoutOk = false;
            return;
        }
        int es = elementSize(a);
        int cs = componentSize(a.componentType);
        if (v.byteStride > 0 && v.byteStride < es) {
            j.add(IssueCode.ACCESSOR_SMALL_BYTESTRIDE, p,
                    "Referenced bufferView's byteStride value " + v.byteStride + " is less than accessor element's length " + es + ".");
            a.layoutOk = false;
        }
        if ((v.byteOffset + a.byteOffset) % cs != 0) {
            j.add(IssueCode.ACCESSOR_TOTAL_OFFSET_ALIGNMENT, p,
                    "Accessor's total byteOffset " + (v.byteOffset + a.byteOffset) + " isn't a multiple of componentType length " + cs + ".");
            a.layoutOk = false;
        }
        if (v.byteLength <= 0) {
            a.layoutOk = false;
            return;
        }
        long stride = v.byteStride > 0 ? v.byteStride : es;
        long length = stride * (a.count - 1L) + lastElementSize(a);
        if (a.byteOffset > v.byteLength) {
            j.add(IssueCode.ACCESSOR_TOO_LONG, p + "/byteOffset", "Accessor (offset: " + a.byteOffset + ", length: " + length
                    + ") does not fit referenced bufferView [" + a.bufferView + "] length " + v.byteLength + ".");
            a.layoutOk = false;
        } else if (a.byteOffset + length > v.byteLength) {
            j.add(IssueCode.ACCESSOR_TOO_LONG, p, "Accessor (offset: " + a.byteOffset + ", length: " + length
                    + ") does not fit referenced bufferView [" + a.bufferView + "] length " + v.byteLength + ".");
            a.layoutOk = false;
        }
        if (!v.fits) {
            a.layoutOk = false;
        }
    }

    private void sparse(Acc a, ObjectNode s, String p) {
        Sparse sp = new Sparse();
        j.members(s, p, Set.of("count", "indices", "values"));
        sp.count = (int) Math.min(Integer.MAX_VALUE, j.uint(s, p, "count", true, 1, Long.MAX_VALUE, -1));
        ObjectNode ind = j.obj(s, p, "indices", true);
        ObjectNode val = j.obj(s, p, "values", true);
        boolean ok = sp.count > 0;
        if (ind != null) {
            String ip = p + "/indices";
            j.members(ind, ip, Set.of("bufferView", "byteOffset", "componentType"));
            sp.idxView = j.index(ind, ip, "bufferView", true);
            sp.idxOffset = j.uint(ind, ip, "byteOffset", false, 0, Long.MAX_VALUE, 0);
            sp.idxType = (int) j.uintEnum(ind, ip, "componentType", true, -1, UBYTE, USHORT, UINT);
            if (ref("bufferViews", sp.idxView, ip + "/bufferView")) {
                View v = views[sp.idxView];
                if (v.byteStride > 0) {
                    j.add(IssueCode.BUFFER_VIEW_INVALID_BYTE_STRIDE, ip + "/bufferView", "Only buffer views with raw vertex data can have byteStride.");
                }
                viewUsage(sp.idxView, "Other", ip + "/bufferView");
            } else {
                ok = false;
            }
            ext.object(ind, ip, "sparseIndices");
        } else {
            ok = false;
        }
        if (val != null) {
            String vp = p + "/values";
            j.members(val, vp, Set.of("bufferView", "byteOffset"));
            sp.valView = j.index(val, vp, "bufferView", true);
            sp.valOffset = j.uint(val, vp, "byteOffset", false, 0, Long.MAX_VALUE, 0);
            if (ref("bufferViews", sp.valView, vp + "/bufferView")) {
                View v = views[sp.valView];
                if (v.byteStride > 0) {
                    j.add(IssueCode.BUFFER_VIEW_INVALID_BYTE_STRIDE, vp + "/bufferView", "Only buffer views with raw vertex data can have byteStride.");
                }
                viewUsage(sp.valView, "Other", vp + "/bufferView");
            } else {
                ok = false;
            }
            ext.object(val, vp, "sparseValues");
        } else {
            ok = false;
        }
        if (sp.count > 0 && a.count > 0 && sp.count > a.count) {
            j.add(IssueCode.ACCESSOR_SPARSE_COUNT_OUT_OF_RANGE, p + "/count",
                    "Sparse accessor overrides more elements (" + sp.count + ") than the base accessor contains (" + a.count + ").");
            ok = false;
        }
        ext.object(s, p, "sparse");
        a.sparse = ok ? sp : null;
        if (!ok) {
            a.layoutOk = false;
        }
    }

    /** Checks an accessor against allowed formats "TYPE:CT[:n]" (n = normalized). */
    static boolean formatIn(Acc a, String... formats) {
        String key = a.type + ":" + a.componentType + (a.normalized ? ":n" : "");
        for (String f : formats) {
            if (f.equals(key)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- images, textures, materials

    private void images() {
        List<ObjectNode> l = coll.get("images");
        images = new Image[l.size()];
        for (int i = 0; i < l.size(); i++) {
            ObjectNode o = l.get(i);
            Image im = new Image();
            images[i] = im;
            if (o == null) {
                continue;
            }
            String p = "/images/" + i;
            im.o = o;
            j.members(o, p, Set.of("uri", "mimeType", "bufferView", "name"));
            im.bufferView = j.index(o, p, "bufferView", false);
            im.uri = j.str(o, p, "uri", false);
            JsonNode mt = o.get("mimeType");
            if (mt != null) {
                if (!mt.isTextual()) {
                    j.typeMismatch(p + "/mimeType", mt, "string");
                } else {
                    im.mimeType = mt.asText();
                    if (!Set.of("image/jpeg", "image/png", "image/webp", "image/ktx2").contains(im.mimeType)) {
                        j.add(IssueCode.VALUE_NOT_IN_LIST, p + "/mimeType", "Invalid value '" + im.mimeType
                                + "'. Valid values are ('image/jpeg', 'image/png').");
                    }
                }
            }
            boolean hasUri = o.has("uri");
            boolean hasView = o.has("bufferView");
            if (hasUri == hasView) {
                j.add(IssueCode.ONE_OF_MISMATCH, p, "Exactly one of ('bufferView', 'uri') properties must be defined.");
            }
            if (hasView && mt == null) {
                j.add(IssueCode.UNSATISFIED_DEPENDENCY, p + "/bufferView", "Dependency failed. 'mimeType' must be defined.");
            }
            if (im.bufferView >= 0 && ref("bufferViews", im.bufferView, p + "/bufferView")) {
                if (views[im.bufferView].byteStride > 0) {
                    j.add(IssueCode.IMAGE_BUFFER_VIEW_WITH_BYTESTRIDE, p + "/bufferView", "bufferView.byteStride must not be defined for buffer views containing image data.");
                }
                viewUsage(im.bufferView, "Other", p + "/bufferView");
            }
            if ("image/webp".equals(im.mimeType) && !extensionsUsed.contains("EXT_texture_webp")) {
                j.add(IssueCode.IMAGE_NON_ENABLED_MIME_TYPE, p, "'image/webp' MIME type requires an extension.");
            }
            ext.object(o, p, "image");
        }
    }

    private void textures() {
        List<ObjectNode> l = coll.get("textures");
        textures = new int[l.size()][];
        for (int i = 0; i < l.size(); i++) {
            ObjectNode o = l.get(i);
            textures[i] = new int[] {-1, -1, -1};
            if (o == null) {
                continue;
            }
            String p = "/textures/" + i;
            j.members(o, p, Set.of("sampler", "source", "name"));
            int sampler = j.index(o, p, "sampler", false);
            int source = j.index(o, p, "source", false);
            ref("samplers", sampler, p + "/sampler");
            if (ref("images", source, p + "/source")) {
                textures[i][1] = source;
            }
            textures[i][0] = sampler;
            ext.object(o, p, "texture");
        }
        List<ObjectNode> sl = coll.get("samplers");
        for (int i = 0; i < sl.size(); i++) {
            ObjectNode o = sl.get(i);
            if (o == null) {
                continue;
            }
            String p = "/samplers/" + i;
            j.members(o, p, Set.of("magFilter", "minFilter", "wrapS", "wrapT", "name"));
            j.uintEnum(o, p, "magFilter", false, -1, 9728, 9729);
            j.uintEnum(o, p, "minFilter", false, -1, 9728, 9729, 9984, 9985, 9986, 9987);
            j.uintEnum(o, p, "wrapS", false, -1, 33071, 33648, 10497);
            j.uintEnum(o, p, "wrapT", false, -1, 33071, 33648, 10497);
            ext.object(o, p, "sampler");
        }
    }

    /** Checks a textureInfo object and records its binding on the material. */
    TexRef textureInfo(ObjectNode owner, String ownerPtr, String name, String kind, Material m) {
        ObjectNode t = j.obj(owner, ownerPtr, name, false);
        if (t == null) {
            return null;
        }
        String p = ptr(ownerPtr, name);
        Set<String> members = switch (kind) {
            case "normal" -> Set.of("index", "texCoord", "scale");
            case "occlusion" -> Set.of("index", "texCoord", "strength");
            default -> Set.of("index", "texCoord");
        };
        j.members(t, p, members);
        int index = j.index(t, p, "index", true);
        long texCoord = j.uint(t, p, "texCoord", false, 0, Integer.MAX_VALUE, 0);
        if (kind.equals("normal")) {
            j.num(t, p, "scale", Double.NaN, Double.NaN, 1);
        } else if (kind.equals("occlusion")) {
            j.num(t, p, "strength", 0, 1, 1);
        }
        ref("textures", index, p + "/index");
        int override = ext.object(t, p, "textureInfo");
        int tc = override >= 0 ? override : (int) texCoord;
        TexRef r = new TexRef(p, Math.max(tc, 0));
        if (m != null && texCoord >= 0) {
            m.textures.add(r);
        }
        return r;
    }

    private void materials() {
        List<ObjectNode> l = coll.get("materials");
        materials = new Material[l.size()];
        for (int i = 0; i < l.size(); i++) {
            ObjectNode o = l.get(i);
            Material m = new Material();
            materials[i] = m;
            if (o == null) {
                continue;
            }
            String p = "/materials/" + i;
            j.members(o, p, Set.of("pbrMetallicRoughness", "normalTexture", "occlusionTexture", "emissiveTexture",
                    "emissiveFactor", "alphaMode", "alphaCutoff", "doubleSided", "name"));
            ObjectNode pbr = j.obj(o, p, "pbrMetallicRoughness", false);
            if (pbr != null) {
                String pp = p + "/pbrMetallicRoughness";
                j.members(pbr, pp, Set.of("baseColorFactor", "baseColorTexture", "metallicFactor", "roughnessFactor", "metallicRoughnessTexture"));
                j.floats(pbr, pp, "baseColorFactor", false, 0, 1, null, 4);
                textureInfo(pbr, pp, "baseColorTexture", "", m);
                j.num(pbr, pp, "metallicFactor", 0, 1, 1);
                j.num(pbr, pp, "roughnessFactor", 0, 1, 1);
                textureInfo(pbr, pp, "metallicRoughnessTexture", "", m);
                ext.object(pbr, pp, "pbrMetallicRoughness");
            }
            m.hasNormalTexture = textureInfo(o, p, "normalTexture", "normal", m) != null;
            textureInfo(o, p, "occlusionTexture", "occlusion", m);
            textureInfo(o, p, "emissiveTexture", "", m);
            j.floats(o, p, "emissiveFactor", false, 0, 1, null, 3);
            String alphaMode = j.strEnum(o, p, "alphaMode", false, "OPAQUE", "OPAQUE", "MASK", "BLEND");
            j.num(o, p, "alphaCutoff", 0, Double.NaN, 0.5);
            if (o.has("alphaCutoff") && !"MASK".equals(alphaMode)) {
                j.add(IssueCode.MATERIAL_ALPHA_CUTOFF_INVALID_MODE, p + "/alphaCutoff", "Alpha cutoff is supported only for 'MASK' alpha mode.");
            }
            j.bool(o, p, "doubleSided", false);
            ext.material(o, p, m);
        }
    }

    private void cameras() {
        List<ObjectNode> l = coll.get("cameras");
        for (int i = 0; i < l.size(); i++) {
            ObjectNode o = l.get(i);
            if (o == null) {
                continue;
            }
            String p = "/cameras/" + i;
            j.members(o, p, Set.of("orthographic", "perspective", "type", "name"));
            String type = j.strEnum(o, p, "type", true, null, "perspective", "orthographic");
            boolean hasO = o.has("orthographic");
            boolean hasP = o.has("perspective");
            if (hasO && hasP) {
                j.add(IssueCode.ONE_OF_MISMATCH, p, "Exactly one of ('orthographic', 'perspective') properties must be defined.");
            } else if ("perspective".equals(type) && !hasP) {
                j.undefined(p, "perspective");
            } else if ("orthographic".equals(type) && !hasO) {
                j.undefined(p, "orthographic");
            }
            if ("orthographic".equals(type) || (type == null && hasO)) {
                ObjectNode c = j.obj(o, p, "orthographic", false);
                if (c != null) {
                    String cp = p + "/orthographic";
                    j.members(c, cp, Set.of("xmag", "ymag", "zfar", "znear"));
                    double xmag = j.num(c, cp, "xmag", true, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
                    double ymag = j.num(c, cp, "ymag", true, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
                    double zfar = j.num(c, cp, "zfar", true, Double.NaN, 0, Double.NaN, Double.NaN);
                    double znear = j.num(c, cp, "znear", true, 0, Double.NaN, Double.NaN, Double.NaN);
                    if (xmag == 0 || ymag == 0) {
                        j.add(IssueCode.CAMERA_XMAG_YMAG_ZERO, cp + (ymag == 0 ? "/ymag" : "/xmag"), "xmag and ymag must not be zero.");
                    } else if (xmag < 0 || ymag < 0) {
                        j.add(IssueCode.CAMERA_XMAG_YMAG_NEGATIVE, cp + (ymag < 0 ? "/ymag" : "/xmag"), "xmag and ymag should not be negative.");
                    }
                    if (!Double.isNaN(zfar) && !Double.isNaN(znear) && zfar <= znear) {
                        j.add(IssueCode.CAMERA_ZFAR_LEQUAL_ZNEAR, cp, "zfar must be greater than znear.");
                    }
                    ext.object(c, cp, "orthographic");
                }
            }
            if ("perspective".equals(type) || (type == null && hasP)) {
                ObjectNode c = j.obj(o, p, "perspective", false);
                if (c != null) {
                    String cp = p + "/perspective";
                    j.members(c, cp, Set.of("aspectRatio", "yfov", "zfar", "znear"));
                    j.num(c, cp, "aspectRatio", false, Double.NaN, 0, Double.NaN, Double.NaN);
                    double yfov = j.num(c, cp, "yfov", true, Double.NaN, 0, Double.NaN, Double.NaN);
                    double zfar = j.num(c, cp, "zfar", false, Double.NaN, 0, Double.NaN, Double.NaN);
                    double znear = j.num(c, cp, "znear", true, Double.NaN, 0, Double.NaN, Double.NaN);
                    if (yfov >= Math.PI) {
                        j.add(IssueCode.CAMERA_YFOV_GEQUAL_PI, cp, "yfov should be less than Pi.");
                    }
                    if (!Double.isNaN(zfar) && !Double.isNaN(znear) && zfar <= znear) {
                        j.add(IssueCode.CAMERA_ZFAR_LEQUAL_ZNEAR, cp, "zfar must be greater than znear.");
                    }
                    ext.object(c, cp, "perspective");
                }
            }
            ext.object(o, p, "camera");
        }
    }

    // ---------------------------------------------------------------- meshes

    private void meshes() {
        List<ObjectNode> l = coll.get("meshes");
        meshes = new Mesh[l.size()];
        for (int i = 0; i < l.size(); i++) {
            ObjectNode o = l.get(i);
            Mesh m = new Mesh();
            meshes[i] = m;
            if (o == null) {
                continue;
            }
            String p = "/meshes/" + i;
            j.members(o, p, Set.of("primitives", "weights", "name"));
            m.weights = j.floats(o, p, "weights", false, Double.NaN, Double.NaN, null);
            List<ObjectNode> prims = j.objList(o, p, "primitives", true);
            if (prims != null) {
                for (int k = 0; k < prims.size(); k++) {
                    Prim pr = primitive(prims.get(k), p + "/primitives/" + k);
                    m.prims.add(pr);
                    int tc = pr.targets == null ? 0 : pr.targets.size();
                    if (pr.targets == null) {
                        // primitives without (valid) targets do not take part in the comparison, as in Khronos
                    } else if (m.targetCount == -1) {
                        m.targetCount = tc;
                    } else if (m.targetCount != tc) {
                        j.add(IssueCode.MESH_PRIMITIVES_UNEQUAL_TARGETS_COUNT, p + "/primitives/" + k + "/targets",
                                "All primitives must have the same number of morph targets.");
                    }
                    if (pr.attributes.keySet().stream().anyMatch(s -> s.startsWith("JOINTS_"))) {
                        m.skinned = true;
                    }
                }
            }
            if (m.weights != null && m.targetCount >= 0 && m.weights.length != m.targetCount) {
                j.add(IssueCode.MESH_INVALID_WEIGHTS_COUNT, p + "/weights",
                        "The length of weights array (" + m.weights.length + ") does not match the number of morph targets (" + m.targetCount + ").");
            }
            ext.object(o, p, "mesh");
        }
    }

    private Prim primitive(ObjectNode o, String p) {
        Prim pr = new Prim();
        pr.p = p;
        j.members(o, p, Set.of("attributes", "indices", "material", "mode", "targets"));
        JsonNode attrs = o.get("attributes");
        if (attrs == null) {
            j.undefined(p, "attributes");
        } else if (!attrs.isObject()) {
            j.typeMismatch(p + "/attributes", attrs, "object");
        } else if (attrs.size() == 0) {
            j.add(IssueCode.EMPTY_ENTITY, p + "/attributes", "Entity cannot be empty.");
        } else {
            pr.attributes = indexMap((ObjectNode) attrs, p + "/attributes", true);
        }
        pr.indices = j.index(o, p, "indices", false);
        pr.material = j.index(o, p, "material", false);
        pr.mode = (int) j.uintEnum(o, p, "mode", false, 4, 0, 1, 2, 3, 4, 5, 6);
        JsonNode targets = o.get("targets");
        if (targets != null) {
            if (!targets.isArray()) {
                j.typeMismatch(p + "/targets", targets, "array");
            } else if (targets.size() == 0) {
                j.add(IssueCode.EMPTY_ENTITY, p + "/targets", "Entity cannot be empty.");
            } else {
                boolean bad = false;
                for (JsonNode t : targets) {
                    if (!t.isObject()) {
                        bad = true;
                        j.add(IssueCode.ARRAY_TYPE_MISMATCH, p + "/targets", "Type mismatch. Array element " + Json.show(t) + " is not a 'object'.");
                    }
                }
                if (!bad) {
                    pr.targets = new ArrayList<>();
                    for (int t = 0; t < targets.size(); t++) {
                        ObjectNode to = (ObjectNode) targets.get(t);
                        if (to.size() == 0) {
                            j.add(IssueCode.EMPTY_ENTITY, p + "/targets/" + t, "Entity cannot be empty.");
                            pr.targets.add(new LinkedHashMap<>());
                        } else {
                            pr.targets.add(indexMap(to, p + "/targets/" + t, false));
                        }
                    }
                }
            }
        }
        pr.draco = o.path("extensions").has("KHR_draco_mesh_compression");
        ext.object(o, p, "primitive");
        return pr;
    }

    private Map<String, Integer> indexMap(ObjectNode o, String p, boolean base) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            String kp = ptr(p, k);
            boolean valid;
            if (base) {
                valid = k.equals("POSITION") || k.equals("NORMAL") || k.equals("TANGENT") || SEMANTIC.matcher(k).matches() || k.startsWith("_");
            } else {
                valid = k.equals("POSITION") || k.equals("NORMAL") || k.equals("TANGENT") || SEMANTIC.matcher(k).matches() || k.startsWith("_");
            }
            if (!valid) {
                j.add(IssueCode.MESH_PRIMITIVE_INVALID_ATTRIBUTE, kp, "Invalid attribute name.");
            }
            JsonNode v = e.getValue();
            if (Json.isInt(v) && v.asLong() >= 0 && v.asLong() <= Integer.MAX_VALUE) {
                out.put(k, (int) v.asLong());
            } else if (Json.isInt(v)) {
                j.add(IssueCode.INVALID_INDEX, kp, "Index must be a non-negative integer.");
            } else {
                j.typeMismatch(kp, v, "integer");
            }
            if (!valid) {
                out.remove(k);
            }
        }
        return out;
    }

    private void linkMeshes() {
        for (int mi = 0; mi < meshes.length; mi++) {
            Mesh m = meshes[mi];
            for (Prim pr : m.prims) {
                linkPrimitive(pr);
            }
        }
    }

    private void linkPrimitive(Prim pr) {
        String p = pr.p;
        // semantic continuity
        Map<String, List<Integer>> sets = new HashMap<>();
        for (String k : pr.attributes.keySet()) {
            Matcher mt = SEMANTIC.matcher(k);
            if (mt.matches()) {
                sets.computeIfAbsent(mt.group(1), x -> new ArrayList<>()).add(Integer.parseInt(mt.group(2)));
            }
        }
        for (Map.Entry<String, List<Integer>> e : sets.entrySet()) {
            List<Integer> ns = e.getValue();
            for (int n = 0; n < ns.size(); n++) {
                if (!ns.contains(n)) {
                    j.add(IssueCode.MESH_PRIMITIVE_INDEXED_SEMANTIC_CONTINUITY, p + "/attributes",
                            "Indices for indexed attribute semantic '" + e.getKey() + "' must start with 0 and be continuous.");
                    break;
                }
            }
        }
        int joints = sets.getOrDefault("JOINTS", List.of()).size();
        int weights = sets.getOrDefault("WEIGHTS", List.of()).size();
        if (joints != weights) {
            j.add(IssueCode.MESH_PRIMITIVE_JOINTS_WEIGHTS_MISMATCH, p + "/attributes",
                    "Number of JOINTS attribute semantics must match number of WEIGHTS.");
        }
        if (!pr.attributes.containsKey("POSITION") && !pr.attributes.isEmpty()) {
            j.add(IssueCode.MESH_PRIMITIVE_NO_POSITION, p + "/attributes", "No POSITION attribute found.");
        }
        if (pr.attributes.containsKey("TANGENT") && !pr.attributes.containsKey("NORMAL")) {
            j.add(IssueCode.MESH_PRIMITIVE_TANGENT_WITHOUT_NORMAL, p + "/attributes/TANGENT", "TANGENT attribute without NORMAL found.");
        }
        boolean quantized = extensionsUsed.contains("KHR_mesh_quantization");
        int vertexCount = -1;
        Map<Integer, Integer> viewUsers = new HashMap<>();
        Set<Integer> countedAccessors = new HashSet<>();
        int[] weightSet = pr.attributes.entrySet().stream().filter(e -> e.getKey().startsWith("WEIGHTS_"))
                .mapToInt(Map.Entry::getValue).toArray();
        for (Map.Entry<String, Integer> e : pr.attributes.entrySet()) {
            String sem = e.getKey();
            int ai = e.getValue();
            String ap = p + "/attributes/" + sem;
            if (!ref("accessors", ai, ap)) {
                continue;
            }
            Acc a = accessors[ai];
            if (!a.valid()) {
                continue;
            }
            if (a.componentType == UINT) {
                j.add(IssueCode.MESH_PRIMITIVE_ATTRIBUTES_ACCESSOR_UNSIGNED_INT, ap, "Mesh attributes cannot use UNSIGNED_INT component type.");
            } else if (!attributeFormatOk(sem, a, quantized, false)) {
                j.add(IssueCode.MESH_PRIMITIVE_ATTRIBUTES_ACCESSOR_INVALID_FORMAT, ap,
                        "Invalid accessor format '" + a.format() + "' for this attribute semantic.");
            }
            if (sem.equals("POSITION") && (a.min == null || a.max == null) && !(a.o.has("min") && a.o.has("max"))) {
                j.add(IssueCode.MESH_PRIMITIVE_POSITION_ACCESSOR_WITHOUT_BOUNDS, ap, "accessor.min and accessor.max must be defined for POSITION attribute accessor.");
            }
            attributeAlignment(a, ap);
            if (vertexCount == -1) {
                vertexCount = a.count;
            } else if (vertexCount != a.count) {
                j.add(IssueCode.MESH_PRIMITIVE_UNEQUAL_ACCESSOR_COUNT, ap, "All accessors of the same primitive must have the same count.");
            }
            if (a.bufferView >= 0) {
                viewUsage(a.bufferView, "VertexBuffer", ap);
                if (a.bufferView < views.length && views[a.bufferView].byteStride <= 0 && countedAccessors.add(ai)) {
                    int n = viewUsers.merge(a.bufferView, 1, Integer::sum);
                    if (n > 1) {
                        j.add(IssueCode.MESH_PRIMITIVE_ACCESSOR_WITHOUT_BYTESTRIDE, ap,
                                "bufferView.byteStride must be defined when two or more accessors use the same buffer view.");
                    }
                }
            }
            if (!pr.draco) {
                switch (sem) {
                    case "NORMAL" -> uses.add(new DataChecks.Use(ai, DataChecks.Kind.NORMAL, ap, 0));
                    case "TANGENT" -> uses.add(new DataChecks.Use(ai, DataChecks.Kind.TANGENT, ap, 0));
                    default -> {
                        if (sem.startsWith("COLOR_")) {
                            uses.add(new DataChecks.Use(ai, DataChecks.Kind.COLOR, ap, 0));
                        } else if (sem.startsWith("WEIGHTS_")) {
                            uses.add(new DataChecks.Use(ai, DataChecks.Kind.WEIGHTS, ap, weightSet));
                        }
                    }
                }
            }
        }
        // indices
        if (pr.indices >= 0 && ref("accessors", pr.indices, p + "/indices")) {
            Acc a = accessors[pr.indices];
            if (a.valid()) {
                if (!(a.type.equals("SCALAR") && !a.normalized && (a.componentType == UBYTE || a.componentType == USHORT || a.componentType == UINT))) {
                    j.add(IssueCode.MESH_PRIMITIVE_INDICES_ACCESSOR_INVALID_FORMAT, p + "/indices",
                            "Invalid indices accessor format '" + a.format() + "'. Must be one of ('{SCALAR, UNSIGNED_BYTE}', '{SCALAR, UNSIGNED_SHORT}', '{SCALAR, UNSIGNED_INT}').");
                } else if (!pr.draco) {
                    uses.add(new DataChecks.Use(pr.indices, DataChecks.Kind.INDICES, p + "/indices", vertexCount, pr.mode));
                }
                if (a.bufferView >= 0 && a.bufferView < views.length && views[a.bufferView].byteStride > 0) {
                    j.add(IssueCode.MESH_PRIMITIVE_INDICES_ACCESSOR_WITH_BYTESTRIDE, p + "/indices",
                            "bufferView.byteStride must not be defined for indices accessor.");
                }
                if (a.bufferView >= 0) {
                    viewUsage(a.bufferView, "IndexBuffer", p + "/indices");
                }
            }
        }
        // morph targets
        if (pr.targets != null) {
            for (int t = 0; t < pr.targets.size(); t++) {
                for (Map.Entry<String, Integer> e : pr.targets.get(t).entrySet()) {
                    String sem = e.getKey();
                    String tp = p + "/targets/" + t + "/" + sem;
                    if (!pr.attributes.containsKey(sem)) {
                        j.add(IssueCode.MESH_PRIMITIVE_MORPH_TARGET_NO_BASE_ACCESSOR, tp, "No base accessor for this attribute semantic.");
                    }
                    if (!ref("accessors", e.getValue(), tp)) {
                        continue;
                    }
                    Acc a = accessors[e.getValue()];
                    if (!a.valid()) {
                        continue;
                    }
                    if (!attributeFormatOk(sem, a, quantized, true)) {
                        j.add(IssueCode.MESH_PRIMITIVE_ATTRIBUTES_ACCESSOR_INVALID_FORMAT, tp,
                                "Invalid accessor format '" + a.format() + "' for this attribute semantic.");
                    }
                    if (sem.equals("POSITION") && !(a.o.has("min") && a.o.has("max"))) {
                        j.add(IssueCode.MESH_PRIMITIVE_POSITION_ACCESSOR_WITHOUT_BOUNDS, tp, "accessor.min and accessor.max must be defined for POSITION attribute accessor.");
                    }
                    attributeAlignment(a, tp);
                    if (vertexCount >= 0 && a.count != vertexCount) {
                        j.add(IssueCode.MESH_PRIMITIVE_MORPH_TARGET_INVALID_ATTRIBUTE_COUNT, tp, "Morph target attribute accessor must have the same count as base.");
                    }
                    if (a.bufferView >= 0) {
                        viewUsage(a.bufferView, "VertexBuffer", tp);
                    }
                }
            }
        }
        // material compatibility
        if (pr.material >= 0 && ref("materials", pr.material, p + "/material")) {
            Material m = materials[pr.material];
            Set<Integer> needed = new HashSet<>();
            for (TexRef r : m.textures) {
                if (!pr.attributes.containsKey("TEXCOORD_" + r.texCoord) && needed.add(r.texCoord) | true) {
                    j.add(IssueCode.MESH_PRIMITIVE_TOO_FEW_TEXCOORDS, p + "/material",
                            "Material is incompatible with mesh primitive: Texture binding '" + r.pointer + "' needs 'TEXCOORD_" + r.texCoord + "' attribute.");
                }
            }
            boolean hasTangent = pr.attributes.containsKey("TANGENT");
            if (!hasTangent && pr.mode >= 4) {
                if (m.needsTangentSpace && !m.hasNormalTexture) {
                    j.add(IssueCode.MESH_PRIMITIVE_NO_TANGENT_SPACE, p + "/material",
                            "Material requires a tangent space but the mesh primitive does not provide it and the material does not contain a normal map to generate it.");
                } else if ((m.needsTangentSpace || m.hasNormalTexture) && pr.attributes.containsKey("NORMAL")) {
                    j.add(IssueCode.MESH_PRIMITIVE_GENERATED_TANGENT_SPACE, p + "/material",
                            "Material requires a tangent space but the mesh primitive does not provide it. Runtime-generated tangent space may be non-portable across implementations.");
                }
            }
        } else if (pr.material < 0 && pr.mode >= 0) {
            // default material has no textures
        }
        if (pr.mode >= 0 && pr.mode < 4 && pr.attributes.containsKey("NORMAL") && false) {
            j.add(IssueCode.MESH_PRIMITIVE_INCOMPATIBLE_MODE, p, "");
        }
    }

    private void attributeAlignment(Acc a, String ap) {
        if (a.bufferView < 0 || a.bufferView >= views.length) {
            return;
        }
        View v = views[a.bufferView];
        if (((v.byteOffset + a.byteOffset) % 4 != 0) || (v.byteStride > 0 && v.byteStride % 4 != 0)) {
            j.add(IssueCode.MESH_PRIMITIVE_ACCESSOR_UNALIGNED, ap, "Vertex attribute data must be aligned to 4-byte boundaries.");
        }
    }

    private static boolean attributeFormatOk(String sem, Acc a, boolean q, boolean morph) {
        if (sem.startsWith("_")) {
            return true;
        }
        String base = sem.contains("_") ? sem.substring(0, sem.indexOf('_')) : sem;
        if (morph) {
            return switch (base) {
                case "POSITION", "NORMAL" -> formatIn(a, "VEC3:5126") || (q && formatIn(a, "VEC3:5120", "VEC3:5120:n", "VEC3:5122", "VEC3:5122:n"));
                case "TANGENT" -> formatIn(a, "VEC3:5126") || (q && formatIn(a, "VEC3:5120", "VEC3:5120:n", "VEC3:5122", "VEC3:5122:n"));
                case "TEXCOORD" -> formatIn(a, "VEC2:5126") || (q && formatIn(a, "VEC2:5120", "VEC2:5120:n", "VEC2:5121", "VEC2:5121:n", "VEC2:5122", "VEC2:5122:n", "VEC2:5123", "VEC2:5123:n"));
                case "COLOR" -> formatIn(a, "VEC3:5126", "VEC4:5126") || (q && formatIn(a, "VEC3:5120:n", "VEC3:5122:n", "VEC4:5120:n", "VEC4:5122:n", "VEC3:5121:n", "VEC4:5121:n", "VEC3:5123:n", "VEC4:5123:n"));
                default -> true;
            };
        }
        return switch (base) {
            case "POSITION" -> formatIn(a, "VEC3:5126") || (q && formatIn(a, "VEC3:5120", "VEC3:5120:n", "VEC3:5121", "VEC3:5121:n", "VEC3:5122", "VEC3:5122:n", "VEC3:5123", "VEC3:5123:n"));
            case "NORMAL" -> formatIn(a, "VEC3:5126") || (q && formatIn(a, "VEC3:5120:n", "VEC3:5122:n"));
            case "TANGENT" -> formatIn(a, "VEC4:5126") || (q && formatIn(a, "VEC4:5120:n", "VEC4:5122:n"));
            case "TEXCOORD" -> formatIn(a, "VEC2:5126", "VEC2:5121:n", "VEC2:5123:n") || (q && formatIn(a, "VEC2:5120", "VEC2:5120:n", "VEC2:5121", "VEC2:5122", "VEC2:5122:n", "VEC2:5123"));
            case "COLOR" -> formatIn(a, "VEC3:5126", "VEC4:5126", "VEC3:5121:n", "VEC4:5121:n", "VEC3:5123:n", "VEC4:5123:n");
            case "JOINTS" -> formatIn(a, "VEC4:5121", "VEC4:5123");
            case "WEIGHTS" -> formatIn(a, "VEC4:5126", "VEC4:5121:n", "VEC4:5123:n");
            default -> true;
        };
    }

    // ---------------------------------------------------------------- skins, nodes, scenes

    private void skins() {
        List<ObjectNode> l = coll.get("skins");
        skins = new Skin[l.size()];
        for (int i = 0; i < l.size(); i++) {
            ObjectNode o = l.get(i);
            Skin s = new Skin();
            skins[i] = s;
            if (o == null) {
                continue;
            }
            String p = "/skins/" + i;
            j.members(o, p, Set.of("inverseBindMatrices", "skeleton", "joints", "name"));
            s.ibm = j.index(o, p, "inverseBindMatrices", false);
            s.skeleton = j.index(o, p, "skeleton", false);
            s.joints = j.indices(o, p, "joints", true);
            if (s.ibm >= 0 && ref("accessors", s.ibm, p + "/inverseBindMatrices")) {
                Acc a = accessors[s.ibm];
                if (a.valid()) {
                    if (!formatIn(a, "MAT4:5126")) {
                        j.add(IssueCode.SKIN_IBM_INVALID_FORMAT, p + "/inverseBindMatrices",
                                "Invalid IBM accessor format '" + a.format() + "'. Must be one of ('{MAT4, FLOAT}').");
                    } else {
                        uses.add(new DataChecks.Use(s.ibm, DataChecks.Kind.IBM, p + "/inverseBindMatrices", 0));
                    }
                    if (s.joints != null && a.count < s.joints.length) {
                        j.add(IssueCode.INVALID_IBM_ACCESSOR_COUNT, p + "/inverseBindMatrices",
                                "IBM accessor must have at least " + s.joints.length + " elements. Found " + a.count + ".");
                    }
                    if (a.bufferView >= 0 && a.bufferView < views.length) {
                        if (views[a.bufferView].byteStride > 0) {
                            j.add(IssueCode.SKIN_IBM_ACCESSOR_WITH_BYTESTRIDE, p + "/inverseBindMatrices",
                                    "bufferView.byteStride must not be defined for buffer views used by inverse bind matrices accessors.");
                        }
                        viewUsage(a.bufferView, "Other", p + "/inverseBindMatrices");
                    }
                }
            }
            ext.object(o, p, "skin");
        }
    }

    private void nodes() {
        List<ObjectNode> l = coll.get("nodes");
        nodes = new Node[l.size()];
        for (int i = 0; i < l.size(); i++) {
            nodes[i] = new Node();
        }
        for (int i = 0; i < l.size(); i++) {
            ObjectNode o = l.get(i);
            Node n = nodes[i];
            if (o == null) {
                continue;
            }
            String p = "/nodes/" + i;
            n.o = o;
            j.members(o, p, Set.of("camera", "children", "skin", "matrix", "mesh", "rotation", "scale", "translation", "weights", "name"));
            n.camera = j.index(o, p, "camera", false);
            n.children = j.indices(o, p, "children", false);
            n.skin = j.index(o, p, "skin", false);
            n.mesh = j.index(o, p, "mesh", false);
            n.matrix = j.floats(o, p, "matrix", false, Double.NaN, Double.NaN, null, 16);
            double[] rot = j.floats(o, p, "rotation", false, -1, 1, null, 4);
            j.floats(o, p, "scale", false, Double.NaN, Double.NaN, null, 3);
            j.floats(o, p, "translation", false, Double.NaN, Double.NaN, null, 3);
            n.weights = j.floats(o, p, "weights", false, Double.NaN, Double.NaN, null);
            n.hasTrs = o.has("rotation") || o.has("scale") || o.has("translation");
            if (o.has("matrix")) {
                if (n.hasTrs) {
                    j.add(IssueCode.NODE_MATRIX_TRS, p + "/matrix",
                            "A node can have either a matrix or any combination of translation/rotation/scale (TRS) properties.");
                } else if (n.matrix != null) {
                    if (isIdentity(n.matrix)) {
                        j.add(IssueCode.NODE_MATRIX_DEFAULT, p + "/matrix", "Do not specify default transform matrix.");
                    } else if (!decomposable(n.matrix)) {
                        j.add(IssueCode.NODE_MATRIX_NON_TRS, p + "/matrix", "Matrix must be decomposable to TRS.");
                    }
                }
            }
            if (rot != null) {
                double len = Math.sqrt(rot[0] * rot[0] + rot[1] * rot[1] + rot[2] * rot[2] + rot[3] * rot[3]);
                if (Math.abs(len - 1) > 0.00769) {
                    j.add(IssueCode.ROTATION_NON_UNIT, p + "/rotation", "Rotation quaternion must be normalized.");
                }
            }
            if (o.has("skin") && !o.has("mesh")) {
                j.add(IssueCode.UNSATISFIED_DEPENDENCY, p + "/skin", "Dependency failed. 'mesh' must be defined.");
            }
            if (o.has("weights") && !o.has("mesh")) {
                j.add(IssueCode.UNSATISFIED_DEPENDENCY, p + "/weights", "Dependency failed. 'mesh' must be defined.");
            }
            ref("cameras", n.camera, p + "/camera");
            if (n.children != null) {
                for (int c = 0; c < n.children.length; c++) {
                    int ch = n.children[c];
                    if (ch >= 0 && ref("nodes", ch, p + "/children/" + c)) {
                        if (nodes[ch].parent >= 0) {
                            j.add(IssueCode.NODE_PARENT_OVERRIDE, p + "/children/" + c, "Value overrides parent of node " + ch + ".");
                        } else {
                            nodes[ch].parent = i;
                        }
                    } else if (ch >= 0) {
                        n.children[c] = -1;
                    }
                }
            }
            if (!ref("skins", n.skin, p + "/skin")) {
                n.skin = n.skin >= 0 ? -1 : n.skin;
            }
            if (!ref("meshes", n.mesh, p + "/mesh")) {
                n.mesh = -1;
            }
            ext.object(o, p, "node");
        }
    }

    private static boolean isIdentity(double[] m) {
        for (int i = 0; i < 16; i++) {
            if (m[i] != (i % 5 == 0 ? 1 : 0)) {
                return false;
            }
        }
        return true;
    }

    /** A column-major matrix is TRS when its last row is (0,0,0,1) and its 3x3 part is rotation x scale. */
    static boolean decomposable(double[] m) {
        if (Math.abs(m[3]) > 1e-6 || Math.abs(m[7]) > 1e-6 || Math.abs(m[11]) > 1e-6 || Math.abs(m[15] - 1) > 1e-6) {
            return false;
        }
        double[][] c = {{m[0], m[1], m[2]}, {m[4], m[5], m[6]}, {m[8], m[9], m[10]}};
        double[] s = new double[3];
        for (int i = 0; i < 3; i++) {
            s[i] = Math.sqrt(c[i][0] * c[i][0] + c[i][1] * c[i][1] + c[i][2] * c[i][2]);
            if (s[i] < 1e-12) {
                return false;
            }
        }
        double det = c[0][0] * (c[1][1] * c[2][2] - c[1][2] * c[2][1]) - c[1][0] * (c[0][1] * c[2][2] - c[0][2] * c[2][1])
                + c[2][0] * (c[0][1] * c[1][2] - c[0][2] * c[1][1]);
        if (det < 0) {
            s[0] = -s[0];
        }
        for (int a = 0; a < 3; a++) {
            for (int b = a + 1; b < 3; b++) {
                double dot = (c[a][0] * c[b][0] + c[a][1] * c[b][1] + c[a][2] * c[b][2]) / (s[a] * s[b]);
                if (Math.abs(dot) > 1e-3) {
                    return false;
                }
            }
        }
        return true;
    }

    private void scenes() {
        List<ObjectNode> l = coll.get("scenes");
        scenes = new int[l.size()][];
        for (int i = 0; i < l.size(); i++) {
            ObjectNode o = l.get(i);
            if (o == null) {
                continue;
            }
            String p = "/scenes/" + i;
            j.members(o, p, Set.of("nodes", "name"));
            int[] ns = j.indices(o, p, "nodes", false);
            scenes[i] = ns;
            if (ns != null) {
                for (int k = 0; k < ns.length; k++) {
                    if (ns[k] >= 0 && ref("nodes", ns[k], p + "/nodes/" + k)) {
                        if (nodes[ns[k]].parent >= 0) {
                            j.add(IssueCode.SCENE_NON_ROOT_NODE, p + "/nodes/" + k, "Node " + ns[k] + " is not a root node.");
                        }
                    } else {
                        ns[k] = -1;
                    }
                }
            }
            ext.object(o, p, "scene");
        }
        defaultScene = j.index(root, "", "scene", false);
        ref("scenes", defaultScene, "/scene");
    }

    private void linkNodes() {
        // loops: walk up the parent chain from every node
        for (int i = 0; i < nodes.length; i++) {
            int steps = 0;
            int cur = nodes[i].parent;
            while (cur >= 0 && steps <= nodes.length) {
                if (cur == i) {
                    j.add(IssueCode.NODE_LOOP, "/nodes/" + i, "Node is a part of a node loop.");
                    break;
                }
                cur = nodes[cur].parent;
                steps++;
            }
        }
        Set<Integer> inLoop = new HashSet<>();
        for (ValidationIssue vi : issues.kept) {
            if (vi.code() == IssueCode.NODE_LOOP) {
                inLoop.add(Integer.parseInt(vi.pointer().substring(7)));
            }
        }
        for (int i = 0; i < nodes.length; i++) {
            Node n = nodes[i];
            if (n.o == null) {
                continue;
            }
            String p = "/nodes/" + i;
            Mesh mesh = n.mesh >= 0 ? meshes[n.mesh] : null;
            if (mesh != null) {
                int targets = Math.max(mesh.targetCount, 0);
                if (n.weights != null && n.weights.length != targets) {
                    j.add(IssueCode.NODE_WEIGHTS_INVALID, p + "/weights",
                            "The length of weights array (" + n.weights.length + ") does not match the number of morph targets (" + targets + ").");
                }
                if (n.weights != null && mesh.weights != null) {
                    j.add(IssueCode.UNUSED_MESH_WEIGHTS, "/meshes/" + n.mesh + "/weights", "The static morph target weights are always overridden.");
                }
                if (n.skin >= 0 && !mesh.skinned) {
                    j.add(IssueCode.NODE_SKIN_WITH_NON_SKINNED_MESH, p, "Node has skin defined, but mesh has no joints data.");
                } else if (n.skin < 0 && mesh.skinned && !n.o.has("skin")) {
                    j.add(IssueCode.NODE_SKINNED_MESH_WITHOUT_SKIN, p, "Node uses skinned mesh, but has no skin defined.");
                }
                if (n.skin >= 0 && mesh.skinned) {
                    if (n.hasTrs || n.matrix != null) {
                        j.add(IssueCode.NODE_SKINNED_MESH_LOCAL_TRANSFORMS, p, "Local transforms will not affect a skinned mesh.");
                    }
                    if (n.parent >= 0 && !inLoop.contains(i)) {
                        boolean parentTransforms = false;
                        for (int cur = n.parent, s = 0; cur >= 0 && s <= nodes.length; cur = nodes[cur].parent, s++) {
                            Node pn = nodes[cur];
                            if (pn.hasTrs || pn.matrix != null) {
                                parentTransforms = true;
                            }
                        }
                        if (parentTransforms) {
                            j.add(IssueCode.NODE_SKINNED_MESH_PARENT_TRANSFORMS, p,
                                    "Node with a skinned mesh has parent nodes with transforms. Parent transforms will not affect a skinned mesh.");
                        }
                        j.add(IssueCode.NODE_SKINNED_MESH_NON_ROOT, p, "Node with a skinned mesh is not root. Parent transforms will not affect a skinned mesh.");
                    }
                    // joint attribute data checks with the skin's joint count
                    Skin sk = skins[n.skin];
                    if (sk.joints != null) {
                        for (Prim pr : mesh.prims) {
                            // all JOINTS_n/WEIGHTS_n pairs together: a joint may not repeat across sets
                            List<Integer> extra = new ArrayList<>(List.of(sk.joints.length, n.skin));
                            for (int set = 0; pr.attributes.containsKey("JOINTS_" + set) && !pr.draco; set++) {
                                extra.add(pr.attributes.get("JOINTS_" + set));
                                extra.add(pr.attributes.getOrDefault("WEIGHTS_" + set, -1));
                            }
                            if (extra.size() > 2) {
                                uses.add(new DataChecks.Use(extra.get(2), DataChecks.Kind.JOINTS, pr.p,
                                        extra.stream().mapToInt(Integer::intValue).toArray()));
                            }
                        }
                    }
                }
            }
            boolean empty = n.mesh < 0 && n.camera < 0 && n.children == null && n.skin < 0 && !n.o.has("extensions");
            if (empty && !isJoint(i)) {
                j.add(IssueCode.NODE_EMPTY, p, "Empty node encountered.");
            }
        }
    }

    private boolean isJoint(int node) {
        for (Skin s : skins) {
            if (s.joints != null) {
                for (int jn : s.joints) {
                    if (jn == node) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private int topRoot(int n) {
        int steps = 0;
        while (nodes[n].parent >= 0 && steps++ <= nodes.length) {
            n = nodes[n].parent;
        }
        return n;
    }

    private boolean isAncestorOrSelf(int anc, int n) {
        int steps = 0;
        while (n >= 0 && steps++ <= nodes.length) {
            if (n == anc) {
                return true;
            }
            n = nodes[n].parent;
        }
        return false;
    }

    private void linkSkins() {
        for (int i = 0; i < skins.length; i++) {
            Skin s = skins[i];
            String p = "/skins/" + i;
            if (s.joints == null) {
                continue;
            }
            int common = -2;
            boolean ok = true;
            for (int k = 0; k < s.joints.length; k++) {
                int jn = s.joints[k];
                if (jn < 0 || !ref("nodes", jn, p + "/joints/" + k)) {
                    ok = false;
                    continue;
                }
                int r = topRoot(jn);
                if (common == -2) {
                    common = r;
                } else if (common != r) {
                    ok = false;
                }
            }
            if (!ok) {
                j.add(IssueCode.SKIN_NO_COMMON_ROOT, p + "/joints", "Joints do not have a common root.");
            } else if (s.skeleton >= 0 && ref("nodes", s.skeleton, p + "/skeleton")) {
                for (int jn : s.joints) {
                    if (!isAncestorOrSelf(s.skeleton, jn)) {
                        j.add(IssueCode.SKIN_SKELETON_INVALID, p + "/skeleton", "Skeleton node is not a common root.");
                        break;
                    }
                }
            }
            if (!ok && s.skeleton >= 0) {
                ref("nodes", s.skeleton, p + "/skeleton");
            }
        }
        // skinned mesh nodes must be in a scene that contains the joints
        for (int si = 0; si < scenes.length; si++) {
            if (scenes[si] == null) {
                continue;
            }
            Set<Integer> inScene = new HashSet<>();
            for (int r : scenes[si]) {
                if (r >= 0) {
                    collect(r, inScene);
                }
            }
            for (int n : inScene) {
                Node nd = nodes[n];
                if (nd.skin >= 0 && nd.mesh >= 0 && skins[nd.skin].joints != null) {
                    boolean any = false;
                    for (int jn : skins[nd.skin].joints) {
                        any |= jn >= 0 && inScene.contains(jn);
                    }
                    if (!any) {
                        j.add(IssueCode.NODE_SKIN_NO_SCENE, "/nodes/" + n, "A node with a skinned mesh is used in a scene that does not contain joint nodes.");
                    }
                }
            }
        }
    }

    private void collect(int n, Set<Integer> out) {
        java.util.ArrayDeque<Integer> stack = new java.util.ArrayDeque<>();
        stack.push(n);
        while (!stack.isEmpty()) {
            int c = stack.pop();
            if (c < 0 || c >= nodes.length || !out.add(c)) {
                continue;
            }
            if (nodes[c].children != null) {
                for (int ch : nodes[c].children) {
                    stack.push(ch);
                }
            }
        }
    }

    // ---------------------------------------------------------------- animations

    private void animations() {
        List<ObjectNode> l = coll.get("animations");
        for (int i = 0; i < l.size(); i++) {
            ObjectNode o = l.get(i);
            List<Channel> chans = new ArrayList<>();
            List<Sampler> samps = new ArrayList<>();
            animChannels.add(chans);
            animSamplers.add(samps);
            if (o == null) {
                continue;
            }
            String p = "/animations/" + i;
            j.members(o, p, Set.of("channels", "samplers", "name"));
            List<ObjectNode> cl = j.objList(o, p, "channels", true);
            List<ObjectNode> sl = j.objList(o, p, "samplers", true);
            if (sl != null) {
                for (int k = 0; k < sl.size(); k++) {
                    ObjectNode so = sl.get(k);
                    String sp = p + "/samplers/" + k;
                    Sampler s = new Sampler();
                    samps.add(s);
                    j.members(so, sp, Set.of("input", "interpolation", "output"));
                    s.input = j.index(so, sp, "input", true);
                    s.interpolation = j.strEnum(so, sp, "interpolation", false, "LINEAR", "LINEAR", "STEP", "CUBICSPLINE");
                    s.output = j.index(so, sp, "output", true);
                    ext.object(so, sp, "animationSampler");
                }
            }
            if (cl != null) {
                for (int k = 0; k < cl.size(); k++) {
                    ObjectNode co = cl.get(k);
                    String cp = p + "/channels/" + k;
                    Channel c = new Channel();
                    c.p = cp;
                    chans.add(c);
                    j.members(co, cp, Set.of("sampler", "target"));
                    c.sampler = j.index(co, cp, "sampler", true);
                    ObjectNode t = j.obj(co, cp, "target", true);
                    if (t != null) {
                        String tp = cp + "/target";
                        j.members(t, tp, Set.of("node", "path"));
                        c.node = j.index(t, tp, "node", false);
                        c.path = j.strEnum(t, tp, "path", true, null, "translation", "rotation", "scale", "weights", "pointer");
                        ext.object(t, tp, "animationChannelTarget");
                    }
                    ext.object(co, cp, "animationChannel");
                }
            }
            ext.object(o, p, "animation");
        }
    }

    private void linkAnimations() {
        for (int i = 0; i < animChannels.size(); i++) {
            String p = "/animations/" + i;
            List<Channel> chans = animChannels.get(i);
            List<Sampler> samps = animSamplers.get(i);
            boolean[] samplerChecked = new boolean[samps.size()];
            for (int k = 0; k < samps.size(); k++) {
                Sampler s = samps.get(k);
                String sp = p + "/samplers/" + k;
                if (ref("accessors", s.input, sp + "/input")) {
                    Acc a = accessors[s.input];
                    if (a.valid()) {
                        if (!formatIn(a, "SCALAR:5126")) {
                            j.add(IssueCode.ANIMATION_SAMPLER_INPUT_ACCESSOR_INVALID_FORMAT, sp + "/input",
                                    "Invalid Animation sampler input accessor format '" + a.format() + "'. Must be one of ('{SCALAR, FLOAT}').");
                        } else {
                            uses.add(new DataChecks.Use(s.input, DataChecks.Kind.ANIM_INPUT, sp + "/input", 0));
                        }
                        if (!a.o.has("min") || !a.o.has("max")) {
                            j.add(IssueCode.ANIMATION_SAMPLER_INPUT_ACCESSOR_WITHOUT_BOUNDS, sp + "/input",
                                    "accessor.min and accessor.max must be defined for animation input accessor.");
                        }
                        if ("CUBICSPLINE".equals(s.interpolation) && a.count < 2) {
                            j.add(IssueCode.ANIMATION_SAMPLER_INPUT_ACCESSOR_TOO_FEW_ELEMENTS, sp + "/input",
                                    "Animation sampler output accessor with 'CUBICSPLINE' interpolation must have at least 2 elements. Got " + a.count + ".");
                        }
                        strideCheck(a, sp + "/input");
                    }
                }
                if (ref("accessors", s.output, sp + "/output")) {
                    Acc a = accessors[s.output];
                    if (a.valid()) {
                        strideCheck(a, sp + "/output");
                    }
                }
            }
            Map<String, Integer> targets = new HashMap<>();
            for (int k = 0; k < chans.size(); k++) {
                Channel c = chans.get(k);
                String cp = c.p;
                Sampler s = null;
                if (c.sampler >= 0) {
                    if (c.sampler >= samps.size()) {
                        j.add(IssueCode.UNRESOLVED_REFERENCE, cp + "/sampler", "Unresolved reference: " + c.sampler + ".");
                    } else {
                        s = samps.get(c.sampler);
                    }
                }
                Node n = null;
                if (c.node >= 0 && ref("nodes", c.node, cp + "/target/node")) {
                    n = nodes[c.node];
                    if (c.path != null && !c.path.equals("pointer")) {
                        String key = c.node + "/" + c.path;
                        Integer prev = targets.get(key);
                        if (prev != null) {
                            j.add(IssueCode.ANIMATION_DUPLICATE_TARGETS, chans.get(prev).p + "/target", "Animation channel has the same target as channel " + k + ".");
                        } else {
                            targets.put(key, k);
                        }
                    }
                    if (c.path != null && !c.path.equals("weights") && !c.path.equals("pointer")) {
                        if (n.matrix != null || (n.o != null && n.o.has("matrix"))) {
                            j.add(IssueCode.ANIMATION_CHANNEL_TARGET_NODE_MATRIX, cp + "/target",
                                    "Animation channel cannot target TRS properties of a node with defined matrix.");
                        }
                        if (n.skin >= 0 && n.mesh >= 0 && meshes[n.mesh].skinned) {
                            j.add(IssueCode.ANIMATION_CHANNEL_TARGET_NODE_SKIN, cp + "/target/path", "Animated TRS properties will not affect a skinned mesh.");
                        }
                    }
                    if ("weights".equals(c.path) && (n.mesh < 0 || meshes[n.mesh].targetCount <= 0)) {
                        j.add(IssueCode.ANIMATION_CHANNEL_TARGET_NODE_WEIGHTS_NO_MORPHS, cp + "/target",
                                "Animation channel cannot target WEIGHTS when mesh does not have morph targets.");
                    }
                }
                if (s == null || c.path == null || c.path.equals("pointer")) {
                    continue;
                }
                if (s.output < 0 || s.output >= accessors.length || !accessors[s.output].valid()) {
                    continue;
                }
                Acc out = accessors[s.output];
                String[] fmts = switch (c.path) {
                    case "translation", "scale" -> new String[] {"VEC3:5126"};
                    case "rotation" -> new String[] {"VEC4:5126", "VEC4:5120:n", "VEC4:5121:n", "VEC4:5122:n", "VEC4:5123:n"};
                    default -> new String[] {"SCALAR:5126", "SCALAR:5120:n", "SCALAR:5121:n", "SCALAR:5122:n", "SCALAR:5123:n"};
                };
                if (!formatIn(out, fmts)) {
                    StringBuilder sb = new StringBuilder();
                    for (String f : fmts) {
                        String[] parts = f.split(":");
                        sb.append(sb.length() == 0 ? "" : ", ").append("'{").append(parts[0]).append(", ")
                                .append(componentName(Integer.parseInt(parts[1]))).append(parts.length > 2 ? " normalized" : "").append("}'");
                    }
                    j.add(IssueCode.ANIMATION_SAMPLER_OUTPUT_ACCESSOR_INVALID_FORMAT, cp + "/sampler",
                            "Invalid animation sampler output accessor format '" + out.format() + "' for path '" + c.path + "'. Must be one of (" + sb + ").");
                    continue;
                }
                if (s.input >= 0 && s.input < accessors.length && accessors[s.input].valid()) {
                    int inCount = accessors[s.input].count;
                    long expected = (long) inCount * ("CUBICSPLINE".equals(s.interpolation) ? 3 : 1);
                    if (c.path.equals("weights")) {
                        if (n == null || n.mesh < 0 || meshes[n.mesh].targetCount <= 0) {
                            expected = -1;
                        } else {
                            expected *= meshes[n.mesh].targetCount;
                        }
                    }
                    if (expected >= 0 && out.count != expected) {
                        j.add(IssueCode.ANIMATION_SAMPLER_OUTPUT_ACCESSOR_INVALID_COUNT, cp + "/sampler",
                                "Animation sampler output accessor of count " + expected + " expected. Found " + out.count + ".");
                    }
                }
                if (c.path.equals("rotation") && !samplerChecked[c.sampler]) {
                    samplerChecked[c.sampler] = true;
                    uses.add(new DataChecks.Use(s.output, DataChecks.Kind.ANIM_ROTATION, cp + "/sampler",
                            "CUBICSPLINE".equals(s.interpolation) ? 1 : 0));
                }
            }
        }
    }

    private void strideCheck(Acc a, String pointer) {
        if (a.bufferView >= 0 && a.bufferView < views.length) {
            if (views[a.bufferView].byteStride > 0) {
                j.add(IssueCode.ANIMATION_SAMPLER_ACCESSOR_WITH_BYTESTRIDE, pointer,
                        "bufferView.byteStride must not be defined for buffer views used by animation sampler accessors.");
            }
            viewUsage(a.bufferView, "Other", pointer);
        }
    }

    /** Objects never referenced get UNUSED_OBJECT infos, as in the Khronos report. */
    void unused() {
        String[] checked = {"accessors", "bufferViews", "buffers", "cameras", "images", "materials", "meshes", "nodes", "samplers", "skins", "textures"};
        // nodes reachable from scenes, animations and skins count as used
        for (String c : checked) {
            boolean[] u = used.get(c);
            List<ObjectNode> l = coll.get(c);
            for (int i = 0; i < u.length; i++) {
                if (!u[i] && l.get(i) != null) {
                    if (c.equals("buffers") && buffers[i].glb && false) {
                        continue;
                    }
                    j.add(IssueCode.UNUSED_OBJECT, "/" + c + "/" + i, "This object may be unused.");
                }
            }
        }
        Arrays.fill(new int[0], 0);
    }
}
