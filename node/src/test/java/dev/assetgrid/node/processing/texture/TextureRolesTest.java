package dev.assetgrid.node.processing.texture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.node.processing.gltf.TestAssets;
import dev.assetgrid.shared.stage.TextureRole;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextureRolesTest {

  @Test
  void rolesComeFromCoreAndExtensionSlots() {
    var asset =
        TestAssets.asset(
            """
        {'asset':{'version':'2.0'},
         'images':[{'uri':'a.png'},{'uri':'b.png'},{'uri':'c.png'},{'uri':'d.png'},{'uri':'e.png'},{'uri':'f.png'},
                   {'uri':'unused.png'},{'uri':'g.ktx2'}],
         'textures':[{'source':0},{'source':1},{'source':2},{'source':3},{'source':4},{'source':5},
                     {'extensions':{'KHR_texture_basisu':{'source':7}}}],
         'materials':[
           {'pbrMetallicRoughness':{'baseColorTexture':{'index':0},'metallicRoughnessTexture':{'index':1}},
            'normalTexture':{'index':2},'occlusionTexture':{'index':1},'emissiveTexture':{'index':6}},
           {'extensions':{
              'KHR_materials_clearcoat':{'clearcoatNormalTexture':{'index':3},'clearcoatTexture':{'index':4}},
              'KHR_materials_sheen':{'sheenColorTexture':{'index':5}}}},
           {'pbrMetallicRoughness':{'baseColorTexture':{'index':4}}}
         ]}
        """);
    Map<Integer, TextureRole> roles = TextureRoles.of(asset);
    assertThat(roles)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                0, TextureRole.COLOR,
                1, TextureRole.DATA,
                2, TextureRole.NORMAL,
                3, TextureRole.NORMAL,
                4, TextureRole.COLOR, // data in one material, colour in another: sRGB wins
                5, TextureRole.COLOR,
                7, TextureRole.COLOR));
  }

  @Test
  void texturesNoMaterialUsesCountAsColour() {
    var asset =
        TestAssets.asset(
            """
        {'asset':{'version':'2.0'},'images':[{'uri':'a.png'},{'uri':'b.png'}],
         'textures':[{'source':0},{'source':9}]}
        """);
    assertThat(TextureRoles.of(asset)).containsExactlyEntriesOf(Map.of(0, TextureRole.COLOR));
  }
}
