# Installing like a desktop application: `cmake --install` with the standard layout, and a .deb
# from CPack whose dependencies are Debian 12's own runtime packages (dpkg-shlibdeps reads them off
# the binaries). scripts/test-deb.sh installs that .deb into a fresh debootstrap root.
include(GNUInstallDirs)

set(STEPWISE_APP_ID io.github.stepwise.Stepwise)
set(STEPWISE_DESKTOP_DIR ${PROJECT_SOURCE_DIR}/resources/desktop)

install(TARGETS stepwise-run RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET stepwise)
    install(TARGETS stepwise RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
    install(FILES ${STEPWISE_DESKTOP_DIR}/${STEPWISE_APP_ID}.desktop
            DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
    configure_file(${STEPWISE_DESKTOP_DIR}/${STEPWISE_APP_ID}.metainfo.xml
                   ${PROJECT_BINARY_DIR}/${STEPWISE_APP_ID}.metainfo.xml @ONLY)
    install(FILES ${PROJECT_BINARY_DIR}/${STEPWISE_APP_ID}.metainfo.xml
            DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
    install(FILES ${STEPWISE_DESKTOP_DIR}/${STEPWISE_APP_ID}.svg
            DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
endif()
install(PROGRAMS ${PROJECT_SOURCE_DIR}/tools/stepwise_export.py
        DESTINATION ${CMAKE_INSTALL_BINDIR} RENAME stepwise-export)

# Man pages from docs/man/*.scd, with scdoc (installed by scripts/install-deps.sh).
find_program(SCDOC scdoc)
if(SCDOC)
    set(man_pages)
    foreach(page stepwise stepwise-run stepwise-export)
        set(source ${PROJECT_SOURCE_DIR}/docs/man/${page}.1.scd)
        set(output ${PROJECT_BINARY_DIR}/man/${page}.1)
        add_custom_command(OUTPUT ${output}
            COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
            COMMAND ${CMAKE_COMMAND} -E env SOURCE_DATE_EPOCH=0 sh -c "'${SCDOC}' < '${source}' > '${output}'"
            DEPENDS ${source} COMMENT "Man page ${page}(1)" VERBATIM)
        list(APPEND man_pages ${output})
    endforeach()
    add_custom_target(man_pages ALL DEPENDS ${man_pages})
    install(FILES ${man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
    message(WARNING "scdoc not found: no man pages (scripts/install-deps.sh installs it)")
endif()

set(CPACK_PACKAGE_NAME stepwise)
set(CPACK_PACKAGE_VENDOR Stepwise)
set(CPACK_PACKAGE_CONTACT "Stepwise developers <stepwise@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "step through PyTorch Lightning's automatic optimization")
set(CPACK_PACKAGE_DESCRIPTION
    "Stepwise runs a training loop on LibTorch exactly as PyTorch Lightning's automatic optimization
does and lets you step through it one stage, closure call or batch at a time, in a Qt window
(stepwise) or headless (stepwise-run). stepwise-export turns a LightningModule into a run.")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # stepwise_<version>_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)   # libtorch1.13, libqt6*, libqcustomplot2.1-qt6, libprotobuf32, ...
set(CPACK_DEBIAN_PACKAGE_DEPENDS "python3")  # stepwise-export
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3-torch")  # stepwise-export needs torch to export anything
include(CPack)
